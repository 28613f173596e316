/// Why a model could not be loaded or run; messages name the file and tensor.
public struct EngineError: Error, Sendable, CustomStringConvertible, Equatable {
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
