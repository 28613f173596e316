import Foundation
import FuzzDriver
@testable import ModelFormats

/// config.json / generation_config.json: JSON, then the typed readers.
runFuzzer { input in
    let bytes = Data(input)
    guard let json = try? JSONDocument.object(bytes, file: "config.json") else { return }
    _ = try? ModelConfig(json: json, file: "config.json")
    _ = try? GenerationConfig(json: json, file: "generation_config.json")
}
