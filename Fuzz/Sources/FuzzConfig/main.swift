import Foundation
import FuzzDriver
@testable import ModelFormats

/// config.json / generation_config.json: JSON, then the typed readers.
runFuzzer { input in
    guard let json = try? CheckpointJSON.object(Array(input), file: "config.json") else { return }
    _ = try? ModelConfig(json: json, file: "config.json")
    _ = try? GenerationConfig(json: json, file: "generation_config.json")
}
