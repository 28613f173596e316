import Foundation

/// Splits a `text/event-stream` body into the payloads of its events, as bytes arrive in arbitrary chunks.
///
/// An event is a run of lines ended by a blank line; its payload is its `data:` lines joined by newlines
/// (other fields — `event:`, `id:`, comments — carry nothing the completion endpoints use).
struct ServerSentEvents {
    private var pending = Data()
    private var dataLines: [String] = []

    /// The payloads of the events completed by `chunk`.
    mutating func feed(_ chunk: Data) -> [String] {
        pending.append(chunk)
        var payloads: [String] = []
        while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
            var line = pending[pending.startIndex ..< newline]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            pending = Data(pending[(newline + 1)...])
            if line.isEmpty {
                if !dataLines.isEmpty { payloads.append(dataLines.joined(separator: "\n")) }
                dataLines.removeAll()
                continue
            }
            let text = String(decoding: line, as: UTF8.self)
            if text.hasPrefix("data:") {
                var value = text.dropFirst(5)
                if value.first == " " { value = value.dropFirst() }
                dataLines.append(String(value))
            }
        }
        return payloads
    }
}
