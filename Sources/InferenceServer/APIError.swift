import Foundation
import Hummingbird
import InferenceAPI

/// An error answered in OpenAI's shape, `{"error": {"message", "type", "param", "code"}}`, which every
/// OpenAI-compatible client knows how to show.
struct APIError: Error {
    var status: HTTPResponse.Status
    var message: String
    var type: String
    var param: String?
    var code: String?
    var retryAfter: Int?

    static func invalid(_ message: String, param: String? = nil, code: String? = nil) -> APIError {
        APIError(status: .badRequest, message: message, type: "invalid_request_error", param: param, code: code)
    }

    /// What an engine failure means to the client.
    init(_ error: any Error) {
        switch error {
        case let error as APIError:
            self = error
        case let error as InferenceError:
            switch error {
            case .invalidInput(let why): self = .invalid(why)
            case .unsupported(let why): self = .invalid(why, code: "unsupported")
            case .cancelled: self.init(status: .init(code: 499, reasonPhrase: "Client Closed Request"),
                                       message: "cancelled", type: "cancelled")
            case .backend(let why): self.init(status: .internalServerError, message: why, type: "server_error")
            }
        case ServerBusy.queueFull:
            self.init(status: .serviceUnavailable, message: "the server's queue is full; retry later",
                      type: "server_busy", retryAfter: 1)
        case ServerBusy.shuttingDown:
            self.init(status: .serviceUnavailable, message: "the server is shutting down", type: "server_busy",
                      retryAfter: 1)
        case let error as DecodingError:
            self = .invalid("the request body does not match the endpoint: \(Self.describe(error))")
        default:
            self.init(status: .internalServerError, message: "\(error)", type: "server_error")
        }
    }

    init(status: HTTPResponse.Status, message: String, type: String, param: String? = nil,
                 code: String? = nil, retryAfter: Int? = nil) {
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
        self.retryAfter = retryAfter
    }

    private struct Body: Encodable {
        struct Detail: Encodable {
            var message: String
            var type: String
            var param: String?
            var code: String?
        }
        var error: Detail
    }

    var response: Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        let body = (try? JSONEncoder.wire.encode(Body(error: .init(message: message, type: type, param: param, code: code))))
            ?? Data(#"{"error":{"message":"unencodable error","type":"server_error"}}"#.utf8)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let text = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.hasPrefix(".") ? String(text.dropFirst()) : text
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context)
            return "missing field `\(parent.isEmpty ? "" : parent + ".")\(key.stringValue)`"
        case .typeMismatch(let type, let context): return "`\(path(context))` should be \(type)"
        case .valueNotFound(let type, let context): return "`\(path(context))` should be \(type), found null"
        case .dataCorrupted(let context):
            let place = path(context)
            return place.isEmpty ? "not valid JSON" : "`\(place)`: \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}

extension JSONEncoder {
    /// How every response body is written: URLs and routes in messages stay readable (`/v1/models`, not `\/v1\/models`).
    static var wire: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return encoder
    }
}
