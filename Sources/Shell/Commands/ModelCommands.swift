import ChatTemplates
import Engine
import Evaluations
import Foundation
import InferenceAPI
import ModelFormats
import Reports
import Tokenizers

/// load, info, tokenize, template, ask, score, next, reward — the engine in the shell.
enum ModelCommands {
    static var all: [Command] { [load, info, tokenize, template, ask, score, next, reward] }

    static let load = Command(
        "load", group: .models, summary: "register a model by name: a local file, or a server's model with url=",
        details: """
        PATH is a GGUF file, a safetensors or PyTorch checkpoint (file or folder with config.json), or a bare
        tokenizer (tokenizer.json, tokenizer.model, a vocabulary-only GGUF). Only headers and config are read
        now; weights are mapped when a command first needs them, and least recently used models leave memory
        when another needs the room. quant=q8_0 quantises F16/BF16 weights on load (the study ran 8-bit).
        With url= instead of PATH, NAME is a model on an OpenAI-compatible server (vLLM, TGI, llama.cpp's
        server, llama-cpp-python, another machine's 'alignscope serve'); every command runs on it unchanged.
        load asks the server what it serves and whether it can score (prompt logprobs), and says why not when
        it cannot. model= is the server's model id (optional when it serves only one); key=env:VAR sends $VAR
        as the API key (a key is never typed: sessions are saved). Requests run concurrency= at a time (8),
        each within timeout= seconds (120), retried retries= times (5) with backoff on 408/429/5xx, timeouts
        and dropped connections. Every model's results are kept in the results cache (see 'cache').
        """,
        examples: ["load smollm ~/.cache/alignscope/models/SmolLM2-135M-Instruct.Q4_1.gguf",
                   "load starling-rm /models/Starling-RM-7B-alpha quant=q8_0",
                   "load mistral url=http://gpu-box:8000/v1 model=mistralai/Mistral-7B-v0.1 key=env:VLLM_KEY concurrency=16"],
        syntax: Syntax([Operand("NAME", .word), Operand("PATH", .file, optional: true)],
                       options: [OptionSpec("quant", .choice(WeightConversion.allCases.map(\.rawValue)),
                                            "convert weights on load (none keeps them as stored)"),
                                 OptionSpec("template", .choice(BuiltinTemplate.allCases.map(\.rawValue)),
                                            "chat with one of the study's templates instead of the checkpoint's own")]
                           + RemoteLoading.options)
    ) { invocation, shell in
        let name = try invocation.require("NAME")
        if invocation.option("url") != nil {
            try RemoteLoading(invocation: invocation, shell: shell).load(name)
            return
        }
        if let remoteOnly = RemoteLoading.options.map(\.key).first(where: { invocation.option($0) != nil }) {
            throw invocation.usageError("\(remoteOnly)= goes with url= (a model on a server)")
        }
        guard let path = invocation.operand("PATH").map(expandingTilde) else {
            throw invocation.usageError("expected PATH (a model file or folder) or url=http://HOST:PORT/v1")
        }
        let conversion = WeightConversion(rawValue: invocation.option("quant") ?? "none") ?? .none
        let template = invocation.option("template").flatMap(BuiltinTemplate.init(rawValue:))
        let started = ContinuousClock.now
        let loaded = try invocation.running {
            try shell.services.models.load(name: name, path: path, conversion: conversion, template: template)
        }
        let elapsed = ContinuousClock.now - started
        switch loaded {
        case .model(let model):
            let summary = model.checkpoint.summary
            let kind = model.isRewardModel ? "reward model" : "language model"
            shell.console.print("\(name): \(kind), \(summary.architecture), \(parameters(summary.parameterCount)) parameters, \(mix(summary)), \(summary.format.rawValue)")
        case .tokenizer:
            let tokenizer = try invocation.running { try shell.services.models.tokenizer(name) }
            shell.console.print("\(name): tokenizer only — \(tokenizer.summary)")
        }
        shell.console.status("registered in \(milliseconds(elapsed)) ms (headers only)")
    }

    static let info = Command(
        "info", group: .models, summary: "architecture, size, dtype mix, memory, context, special tokens, template",
        details: "For a remote model: its server, what the server serves, whether it can score, and the requests so far.",
        examples: ["info smollm"],
        syntax: Syntax([Operand("NAME", .model)])
    ) { invocation, shell in
        let name = try invocation.require("NAME")
        let models = shell.services.models
        if let remote = models.remote(name) {
            RemoteLoading(invocation: invocation, shell: shell).info(name, remote)
            return
        }
        var rows: [(String, String)] = []
        if let model = models.registration(name) {
            let summary = model.checkpoint.summary
            rows.append(("file", "\(model.path) (\(summary.format.rawValue))"))
            rows.append(("architecture", summary.architecture))
            rows.append(("parameters", "\(grouped(summary.parameterCount)) (\(parameters(summary.parameterCount)))"))
            rows.append(("dtype mix", summary.dtypeMix.map {
                "\($0.type) \(percent($0.elementCount, of: summary.parameterCount))"
            }.joined(separator: ", ")))
            rows.append(("bytes on disk", bytes(summary.bytesOnDisk)))
            rows.append(("bytes in memory", "\(bytes(model.weightBytes)) weights + \(bytes(model.cacheBytes)) KV cache; needs \(bytes(model.requiredBytes))"))
            rows.append(("conversion", model.conversion.rawValue))
            rows.append(("context length", grouped(summary.contextLength)))
            rows.append(("resident", models.registry.resident.contains(name) ? "yes" : "no (loads on first use)"))
        } else if models.isTokenizerOnly(name) {
            rows.append(("kind", "tokenizer only"))
        }
        let tokenizer = try invocation.running { try models.tokenizer(name) }
        rows.append(("tokenizer", tokenizer.summary))
        rows.append(("special tokens", specials(tokenizer)))
        let template = try invocation.running { try models.chatTemplate(name) }
        rows.append(("chat template", template?.origin ?? "none"))
        let width = rows.map(\.0.count).max() ?? 0
        shell.console.print(shell.console.style.bold(name))
        for (key, value) in rows { shell.console.print("  \(key.padded(to: width))  \(value)") }
    }

    static let tokenize = Command(
        "tokenize", group: .models, summary: "show how a model's tokenizer cuts text: pieces and ids",
        details: """
        Prints one row per token (index, id, piece), then — always the last line — the ids as a JSON array
        (a contract scripts rely on). special=off leaves out the tokens the tokenizer adds (BOS …).
        """,
        examples: ["tokenize smollm \"The capital of France is Paris.\"", "tokenize llama2 \"<s>[INST] hi\" special=off"],
        syntax: Syntax([Operand("NAME", .model), Operand("TEXT", .text)],
                       options: [OptionSpec("special", .choice(["on", "off"]), "add the tokenizer's special tokens (default on)")])
    ) { invocation, shell in
        let name = try invocation.require("NAME"), text = try invocation.require("TEXT")
        let tokenizer = try invocation.running { try shell.services.models.tokenizer(name) }
        let ids = tokenizer.encode(text, addSpecialTokens: invocation.option("special") != "off")
        let pieces = tokenizer.pieces(ids)
        let rows: [[Cell]] = ids.enumerated().map { index, id in
            [.integer(index), .integer(id), .text(visible(pieces[index]))]
        }
        shell.console.print(lines: TerminalTable(ResultTable(columns: ["#", "id", "piece"], rows: rows))
            .lines(style: shell.console.style))
        shell.console.print("[" + ids.map(String.init).joined(separator: ", ") + "]")
    }

    static let template = Command(
        "template", group: .models, summary: "render a conversation with a model's chat template",
        details: """
        template NAME [messages.json] [generation] renders the conversation (a JSON list of messages, or an
        object with "messages" and other variables) with NAME's own template; 'generation' adds the assistant
        prompt. Without a file it renders a one-question example.
        template render CASE.json --out FILE renders a case in the format of chat-templates/cases.json (template,
        bos_token, eos_token, messages, add_generation_prompt) and writes exactly the rendered text to FILE.
        """,
        examples: ["template smollm generation", "template smollm chat.json generation",
                   "template render case.json --out rendered.txt"],
        syntax: Syntax([Operand("NAME", .model), Operand("FILE", .file, optional: true)],
                       clauses: [Clause("--out", Operand("OUTPUT", .file, optional: true))],
                       flags: [FlagSpec("generation", "end with the assistant's turn opening (add_generation_prompt)")])
    ) { invocation, shell in
        let name = try invocation.require("NAME")
        let text: String
        if name == "render" {
            guard let file = invocation.operand("FILE") else { throw invocation.usageError("expected CASE.json after 'render'") }
            let json = try read(file, invocation: invocation)
            do { text = try TemplateCase(json: json).render() } catch {
                throw invocation.failure("\(file): \(error)")
            }
        } else {
            let models = shell.services.models
            guard let (chatTemplate, _) = try invocation.running({ try models.chatTemplate(name) }) else {
                throw invocation.failure("\(name) has no chat template")
            }
            let conversation: ConversationFile
            do {
                conversation = try ConversationFile(json: try invocation.operand("FILE").map { try read($0, invocation: invocation) }
                    ?? #"[{"role": "user", "content": "Where are you from?"}]"#)
            } catch let error as ShellError { throw error } catch {
                throw invocation.failure("\(invocation.operand("FILE") ?? "conversation"): \(error)")
            }
            let tokenizer = try invocation.running { try models.tokenizer(name) }
            do {
                text = try chatTemplate.render(messages: conversation.messages, addGenerationPrompt: invocation.has("generation"),
                                               bosToken: tokenizer.bosID.flatMap(tokenizer.tokenText) ?? "",
                                               eosToken: tokenizer.eosID.flatMap(tokenizer.tokenText) ?? "",
                                               extra: conversation.variables)
            } catch { throw invocation.failure("chat template of \(name): \(error)") }
        }
        if let output = invocation.clause("--out") {
            try OutputCommands.write(text, to: output, invocation: invocation)
            shell.console.print("wrote \(text.utf8.count) bytes to \(output)")
        } else {
            shell.console.print(lines: text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
        }
    }

    static let ask = Command(
        "ask", group: .models, summary: "generate a continuation, streaming tokens as they come (Ctrl-C stops)",
        details: "'chat' wraps the prompt as a user turn in the model's chat template. temp=0 is greedy.",
        examples: ["ask smollm \"What is the capital of France?\" chat", "ask smollm \"Once upon a time\" max=40 temp=0.8 seed=7"],
        syntax: Syntax([Operand("NAME", .model), Operand("PROMPT", .text)],
                       options: [OptionSpec("max", .integer, "new tokens at most (default 64)"),
                                 OptionSpec("temp", .number, "sampling temperature (0 = greedy)"),
                                 OptionSpec("top-k", .integer, "sample from the k most likely (0 = all)"),
                                 OptionSpec("top-p", .number, "nucleus sampling mass (1 = all)"),
                                 OptionSpec("seed", .integer, "sampling seed (default: the 'seed' setting)")],
                       flags: [FlagSpec("chat", "format the prompt with the model's chat template")])
    ) { invocation, shell in
        let name = try invocation.require("NAME"), text = try invocation.require("PROMPT")
        let model = try shell.languageModel(name, for: invocation)
        let prompt = invocation.has("chat")
            ? try invocation.running { try model.chatPrompt([.user(text)], addGenerationPrompt: true) } : text
        let options = GenerationOptions(
            maxTokens: try invocation.integer("max", default: 64), temperature: try invocation.number("temp", default: 0),
            topK: try invocation.integer("top-k", default: 0), topP: try invocation.number("top-p", default: 1),
            seed: UInt64(max(0, try invocation.integer("seed", default: shell.settings.integer("seed")))))
        // `generate` is synchronous: the engine calls back before it returns, while this thread waits, so the
        // console is never used from two threads at once.
        nonisolated(unsafe) let console = shell.console
        let generations: [Generation]
        do {
            generations = try model.generate([prompt], options: options, control: RunControl(cancellation: shell.cancellation)) { _, piece in
                console.stream(piece)
            }
        } catch {
            console.endStream()
            throw error
        }
        console.endStream()
        let generation = generations.first ?? Generation(text: "", tokenCount: 0, finishReason: .length)
        shell.console.print(shell.console.style.dim("— \(generation.tokenCount) tokens, stopped by \(generation.finishReason.rawValue)"))
    }

    static let score = Command(
        "score", group: .models, summary: "score candidate continuations: mean NLL and probability",
        details: """
        The study's primitive: each candidate's mean NLL after the prompt (tokenized alone, then with the
        candidate) and exp(−NLL) renormalised over the candidates; method=next-token uses the first token's
        probability instead. Exports as CSV candidate,mean_nll,probability (method=next-token:
        candidate,logprob,probability, the first token's natural-log probability).
        """,
        examples: ["score smollm \"The capital of France is\" \" Paris\" \" London\" \" Rome\""],
        syntax: Syntax([Operand("NAME", .model), Operand("PROMPT", .text), Operand("CANDIDATE", .text, repeating: true)],
                       options: [OptionSpec("method", .choice(ScoringMethod.allCases.map(\.rawValue)),
                                            "mean-nll (the study) or next-token (default: the 'method' setting)")],
                       producesResult: true)
    ) { invocation, shell in
        let name = try invocation.require("NAME"), prompt = try invocation.require("PROMPT")
        let candidates = invocation.values("CANDIDATE")
        let method = ScoringMethod(rawValue: invocation.option("method") ?? shell.settings["method"]) ?? .meanNLL
        let model = try shell.languageModel(name, for: invocation)
        let scores = try invocation.running {
            try model.score([ScoringRequest(prompt: prompt, candidates: candidates)], method: method,
                            control: RunControl(cancellation: shell.cancellation))
        }
        shell.publish(CandidateScoresResult(model: name, prompt: prompt, method: method, scores: scores.first ?? []),
                      for: invocation)
    }

    static let next = Command(
        "next", group: .models, summary: "the most probable next tokens after a prompt",
        examples: ["next smollm \"The capital of France is\"", "next smollm \"1, 2, 3,\" top=5"],
        syntax: Syntax([Operand("NAME", .model), Operand("PROMPT", .text)],
                       options: [OptionSpec("top", .integer, "how many tokens (default 10)")])
    ) { invocation, shell in
        let name = try invocation.require("NAME"), prompt = try invocation.require("PROMPT")
        let top = try invocation.integer("top", default: 10)
        guard top > 0 else { throw invocation.usageError("top= must be at least 1") }
        let model = try shell.languageModel(name, for: invocation)
        let tokens = try invocation.running { try model.nextTokens(after: prompt, top: top) }
        let rows: [[Cell]] = tokens.enumerated().map { index, token in
            [.integer(index + 1), token.id >= 0 ? .integer(token.id) : .missing, .text(visible(token.text)),
             .number(token.probability, digits: 4)]
        }
        shell.console.print(lines: TerminalTable(ResultTable(columns: ["rank", "id", "token", "probability"], rows: rows))
            .lines(style: shell.console.style))
    }

    static let reward = Command(
        "reward", group: .models, summary: "a reward model's score of each text",
        details: "Texts are tokenized as the checkpoint's tokenizer does: literal '<s>' becomes the special token. Exports as CSV text,reward.",
        examples: ["reward starling-rm \"<s>[INST] Where are you from? </s> [/INST] I am from Canada.</s>\""],
        syntax: Syntax([Operand("NAME", .model), Operand("TEXT", .text, repeating: true)], producesResult: true)
    ) { invocation, shell in
        let name = try invocation.require("NAME")
        let texts = invocation.values("TEXT")
        let model = try shell.rewardModel(name, for: invocation)
        let (control, bar) = shell.runControl(label: "reward")
        defer { bar?.finish() }
        let rewards = try invocation.running { try model.rewards(for: texts, control: control) }
        shell.publish(TextRewardsResult(model: name, texts: texts, rewards: rewards), for: invocation)
    }

    // MARK: Formatting

    static func read(_ path: String, invocation: Invocation) throws -> String {
        do { return try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw invocation.failure("cannot read \(path): \(error.localizedDescription)")
        }
    }

    /// Control characters and spaces made visible in a token piece.
    static func visible(_ piece: String) -> String {
        var out = ""
        for scalar in piece.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case " ": out += "␣"
            case _ where scalar.value < 0x20: out += "\\u{\(String(scalar.value, radix: 16))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func specials(_ tokenizer: any Tokenizer) -> String {
        var parts: [String] = []
        for (label, id) in [("bos", tokenizer.bosID), ("eos", tokenizer.eosID), ("pad", tokenizer.padID), ("unk", tokenizer.unkID)] {
            if let id { parts.append("\(label) \(id) \(tokenizer.tokenText(id).map { "\"\($0)\"" } ?? "")") }
        }
        return parts.isEmpty ? "none" : parts.joined(separator: ", ")
    }

    static func mix(_ summary: CheckpointSummary) -> String {
        summary.dtypeMix.prefix(2).map { "\($0.type) \(percent($0.elementCount, of: summary.parameterCount))" }
            .joined(separator: " + ")
    }

    static func parameters(_ count: Int) -> String {
        count >= 1_000_000_000 ? formatFixed(Double(count) / 1e9, digits: 2) + "B" : formatFixed(Double(count) / 1e6, digits: 1) + "M"
    }

    static func grouped(_ value: Int) -> String {
        var digits = Array(String(value)), out = ""
        while digits.count > 3 { out = "," + String(digits.suffix(3)) + out; digits.removeLast(3) }
        return String(digits) + out
    }

    static func percent(_ part: Int, of whole: Int) -> String {
        whole > 0 ? formatFixed(100 * Double(part) / Double(whole), digits: 1) + "%" : "—"
    }

    static func bytes(_ count: Int) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(count), unit = 0
        while value >= 1000 && unit < units.count - 1 { value /= 1000; unit += 1 }
        return formatFixed(value, digits: unit == 0 ? 0 : 1) + " " + units[unit]
    }

    static func milliseconds(_ duration: Duration) -> String {
        String(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }
}

extension Invocation {
    /// Runs engine and tokenizer code, turning their errors into this command's one-line failures
    /// (cancellation passes through so the shell reports it as such).
    func running<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as ShellError { throw error } catch InferenceError.cancelled {
            throw InferenceError.cancelled
        } catch { throw failure("\(error)") }
    }
}
