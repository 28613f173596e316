import Foundation
import TextFormats

/// The index of a checkpoint split into shards (`model.safetensors.index.json`,
/// `pytorch_model.bin.index.json`): `{"metadata": {"total_size": N}, "weight_map": {"tensor": "shard file"}}`.
struct ShardIndex {
    let url: URL
    /// Shard file names, sorted.
    let shardNames: [String]
    /// Which shard the index says holds each tensor.
    let weightMap: [String: String]

    init(contentsOf url: URL) throws(FormatError) {
        self.url = url
        let index = try CheckpointJSON.object(contentsOf: url)
        guard let map = CheckpointJSON.lastOfEachKey(index["weight_map"]) else {
            throw FormatError(file: url.path, place: .key("weight_map"), kind: .malformedJSON, "missing \"weight_map\" object")
        }
        var names = Set<String>()
        var weightMap: [String: String] = [:]
        for member in map {
            let tensor = member.key
            guard let shard = member.value.string, !shard.isEmpty, !shard.contains("/"), shard != "..", shard != "." else {
                throw FormatError(file: url.path, place: .key("weight_map.\(tensor)"), kind: .malformedJSON,
                                  "shard must be a file name in the index's folder")
            }
            weightMap[tensor] = shard
            names.insert(shard)
        }
        guard !names.isEmpty else {
            throw FormatError(file: url.path, place: .key("weight_map"), kind: .inconsistent, "the weight map is empty")
        }
        self.shardNames = names.sorted()
        self.weightMap = weightMap
    }

    func shardURL(_ name: String) -> URL { url.deletingLastPathComponent().appendingPathComponent(name) }

    /// Joins the shards' tensors, checking that no tensor is stored twice and that every tensor the index lists
    /// is in the shard it names.
    func merge(_ shards: [(name: String, path: String, tensors: [TensorView])]) throws(FormatError) -> [TensorView] {
        var found: [String: String] = [:]
        var tensors: [TensorView] = []
        for shard in shards {
            for tensor in shard.tensors {
                if let other = found[tensor.name] {
                    throw FormatError(file: shard.path, place: .tensor(tensor.name), kind: .inconsistent, "also stored in \(other)")
                }
                found[tensor.name] = shard.name
                tensors.append(tensor)
            }
        }
        for (tensor, shard) in weightMap.sorted(by: { $0.key < $1.key }) where found[tensor] != shard {
            throw FormatError(file: url.path, place: .key("weight_map.\(tensor)"), kind: .inconsistent,
                              found[tensor].map { "listed in \(shard) but stored in \($0)" } ?? "not found in \(shard)")
        }
        return tensors
    }
}

/// A PyTorch checkpoint split over shards by `pytorch_model.bin.index.json`.
public struct ShardedPyTorchCheckpoint: Sendable {
    public let shards: [PyTorchCheckpoint]
    public let tensors: [TensorView]

    /// Opens every shard the index at `url` names and checks the index against them.
    public init(index url: URL) throws(FormatError) {
        let index = try ShardIndex(contentsOf: url)
        var shards: [PyTorchCheckpoint] = []
        for name in index.shardNames {
            shards.append(try PyTorchCheckpoint(contentsOf: index.shardURL(name)))
        }
        self.shards = shards
        tensors = try index.merge(zip(index.shardNames, shards).map { ($0, $1.file.path, $1.tensors) })
    }
}
