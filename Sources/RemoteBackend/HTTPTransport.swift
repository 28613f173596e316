internal import AsyncHTTPClient
import Foundation
import InferenceAPI
import NIOCore
import NIOHTTP1
import Synchronization

/// JSON over HTTP to one server, with the resilience a long evaluation run needs: every attempt has a deadline
/// (head *and* body), transient failures — 408/429/5xx, refused or reset connections, timeouts — are retried
/// with jittered exponential backoff, and the counters say what happened.
final class HTTPTransport: Sendable {
    /// `http://host:port/v1`, without a trailing slash.
    let baseURL: String
    /// `http://host:port`: where non-OpenAI endpoints live (`/health`, `/apply-template`, TGI's `/generate`).
    let rootURL: String
    private let apiKey: String?
    private let options: RemoteOptions
    private let client: HTTPClient
    private let counters = Mutex(TransportStatistics())

    init(baseURL: String, apiKey: String?, options: RemoteOptions) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.rootURL = base.hasSuffix("/v1") ? String(base.dropLast(3)) : base
        self.apiKey = apiKey
        self.options = options
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .milliseconds(Int64(options.connectTimeout * 1000)),
                                      read: .milliseconds(Int64(options.timeout * 1000)))
        configuration.connectionPool = .init(idleTimeout: .seconds(60),
                                             concurrentHTTP1ConnectionsPerHostSoftLimit: max(1, options.concurrency))
        configuration.httpVersion = .http1Only
        client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    deinit {
        client.shutdown { _ in }
    }

    var statistics: TransportStatistics { counters.withLock { $0 } }

    private var policy: RetryPolicy {
        RetryPolicy(retries: options.retries, backoff: options.backoff, maxBackoff: options.maxBackoff)
    }

    // MARK: Plain requests

    /// Sends a request (retrying transient failures) and returns the parsed 2xx body.
    func json(_ method: HTTPMethod, _ url: String, body: Data? = nil, cancellation: Cancellation,
              retrying: Bool = true) async throws -> JSONValue {
        let what = "\(method.rawValue) \(url)"
        var attempt = 0
        while true {
            if cancellation.isCancelled { throw InferenceError.cancelled }
            var failure: RemoteError
            var retryAfter: Double?
            do {
                counters.withLock { $0.attempts += 1 }
                let reply = try await withDeadline(seconds: options.timeout, what: what) {
                    let response = try await self.client.execute(self.request(method, url, body: body),
                                                                 timeout: .milliseconds(Int64(self.options.timeout * 1000)))
                    let bytes = try await response.body.collect(upTo: self.options.maxResponseBytes)
                    return (Int(response.status.code), Data(bytes.readableBytesView), response.headers.first(name: "retry-after"))
                }
                if (200 ..< 300).contains(reply.0) {
                    counters.withLock { $0.succeeded += 1 }
                    return try JSONValue(parsing: reply.1, what: what)
                }
                failure = .status(what: what, status: reply.0, message: Self.serverMessage(reply.1))
                retryAfter = reply.2.flatMap(Double.init)
                guard retrying, RetryPolicy.isRetryable(status: reply.0) else { throw countedFailure(failure) }
            } catch let error as RemoteError {
                throw error
            } catch let error as ResponseError {
                counters.withLock { $0.failed += 1 }
                throw error
            } catch {
                if cancellation.isCancelled || error is CancellationError || Task.isCancelled {
                    throw InferenceError.cancelled
                }
                if let clientError = error as? HTTPClientError, clientError == .cancelled { throw InferenceError.cancelled }
                if let tooLarge = error as? NIOTooManyBytesError {
                    throw countedFailure(.unusable(what: what, problem: "is larger than \(tooLarge.maxBytes ?? options.maxResponseBytes) bytes"))
                }
                failure = .transport(what: what, problem: Self.describe(error))
                guard retrying else { throw countedFailure(failure) }
            }
            guard attempt < policy.retries else { throw countedFailure(failure.afterAttempts(attempt + 1)) }
            counters.withLock { $0.retries += 1 }
            try await sleep(seconds: policy.delay(afterAttempt: attempt, retryAfter: retryAfter), cancellation: cancellation)
            attempt += 1
        }
    }

    // MARK: Server-sent events

    /// Sends a streaming request and hands each `data:` event's JSON to `onEvent` until `[DONE]` or the end
    /// of the body. A failure before the first event is retried like any request; after it, text has already
    /// been streamed to the caller, so the failure is reported instead.
    func events(_ url: String, body: Data, cancellation: Cancellation,
                onEvent: @escaping @Sendable (JSONValue) throws -> Void) async throws {
        let what = "POST \(url) (stream)"
        var attempt = 0
        while true {
            if cancellation.isCancelled { throw InferenceError.cancelled }
            let delivered = Mutex(false)
            var failure: RemoteError
            var retryAfter: Double?
            do {
                counters.withLock { $0.attempts += 1 }
                let status: (Int, Data, String?)? = try await withDeadline(seconds: options.timeout, what: what) {
                    let response = try await self.client.execute(self.request(.POST, url, body: body),
                                                                 timeout: .milliseconds(Int64(self.options.timeout * 1000)))
                    guard response.status.code == 200 else {
                        let bytes = try await response.body.collect(upTo: 1 << 20)
                        return (Int(response.status.code), Data(bytes.readableBytesView), response.headers.first(name: "retry-after"))
                    }
                    var parser = ServerSentEvents()
                    for try await chunk in response.body {
                        for payload in parser.feed(Data(chunk.readableBytesView)) {
                            if payload == "[DONE]" { return nil }
                            let event = try JSONValue(parsing: Data(payload.utf8), what: what)
                            delivered.withLock { $0 = true }
                            try onEvent(event)
                        }
                        if cancellation.isCancelled { throw InferenceError.cancelled }
                    }
                    return nil
                }
                guard let status else {
                    counters.withLock { $0.succeeded += 1 }
                    return
                }
                failure = .status(what: what, status: status.0, message: Self.serverMessage(status.1))
                retryAfter = status.2.flatMap(Double.init)
                guard RetryPolicy.isRetryable(status: status.0) else { throw countedFailure(failure) }
            } catch let error as RemoteError {
                throw error
            } catch let error as InferenceError {
                throw error
            } catch let error as ResponseError {
                counters.withLock { $0.failed += 1 }
                throw error
            } catch let error as JSONShapeError {
                counters.withLock { $0.failed += 1 }
                throw ResponseError(what: what, problem: "has an event of the wrong shape: \(error)")
            } catch {
                if cancellation.isCancelled || error is CancellationError || Task.isCancelled {
                    throw InferenceError.cancelled
                }
                failure = .transport(what: what, problem: Self.describe(error))
                if delivered.withLock({ $0 }) {
                    throw countedFailure(.transport(what: what, problem: "\(Self.describe(error)) after part of the stream arrived"))
                }
            }
            guard attempt < policy.retries else { throw countedFailure(failure.afterAttempts(attempt + 1)) }
            counters.withLock { $0.retries += 1 }
            try await sleep(seconds: policy.delay(afterAttempt: attempt, retryAfter: retryAfter), cancellation: cancellation)
            attempt += 1
        }
    }

    // MARK: Helpers

    private func request(_ method: HTTPMethod, _ url: String, body: Data?) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        if let apiKey { request.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        return request
    }

    private func countedFailure(_ error: RemoteError) -> RemoteError {
        counters.withLock { $0.failed += 1 }
        return error
    }

    /// Sleeps in short steps so that Ctrl-C during a backoff is honoured at once.
    private func sleep(seconds: Double, cancellation: Cancellation) async throws {
        let end = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < end {
            if cancellation.isCancelled { throw InferenceError.cancelled }
            try await Task.sleep(for: min(.milliseconds(50), end - ContinuousClock.now))
        }
    }

    /// OpenAI's `{"error": {"message": …}}`, TGI's `{"error": "…"}`, FastAPI's `{"detail": …}`, or the raw text.
    static func serverMessage(_ body: Data) -> String {
        if let json = try? JSONValue(parsing: body, what: "") {
            if let message = json["error"]["message"].optionalString { return message }
            if let message = json["error"].optionalString { return message }
            if let message = json["message"].optionalString { return message }
            if let message = json["detail"].optionalString { return message }
            if let first = try? json["detail"].array().first, let message = first["msg"].optionalString { return message }
        }
        let text = String(decoding: body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "no message" : text
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .readTimeout, .deadlineExceeded: return "timed out"
            case .connectTimeout: return "connection timed out"
            case .remoteConnectionClosed: return "the server closed the connection"
            default: return "\(error)"
            }
        }
        if error is DeadlineExceeded { return "\(error)" }
        let text = "\(error)"
        if text.contains("Connection refused") || text.contains("connectionRefused") { return "connection refused" }
        if text.contains("reset by peer") || text.contains("ECONNRESET") { return "connection reset" }
        return text
    }
}

/// What the transport did, for `models` and for tests that count retries.
public struct TransportStatistics: Sendable, Hashable {
    /// Requests put on the wire (first tries and retries).
    public var attempts = 0
    public var retries = 0
    public var succeeded = 0
    /// Requests given up on (non-retryable status, retries exhausted, unusable response).
    public var failed = 0
}

/// The whole attempt — connection, head and body — exceeded its time.
struct DeadlineExceeded: Error, CustomStringConvertible {
    var seconds: Double
    var description: String { "timed out after \(seconds.formatted()) s" }
}

/// Runs `body`, failing with ``DeadlineExceeded`` (and cancelling it) if it takes longer than `seconds`.
/// AsyncHTTPClient's own deadline covers the response head only; a server that stalls mid-body is caught here.
func withDeadline<T: Sendable>(seconds: Double, what: String,
                               _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw DeadlineExceeded(seconds: seconds) }
        return value
    }
}

extension Double {
    /// `2`, `0.5`, `1.25` — short, for messages.
    func formatted() -> String {
        self == rounded() && abs(self) < 1e15 ? String(Int(self)) : String(format: "%.3g", self)
    }
}
