/// The chat templates of the study's models, built in for checkpoints that ship without one, and a ChatML
/// fallback. Each source is the `chat_template` of the model's `tokenizer_config.json` on the Hugging Face Hub,
/// character for character (the conformance tests check them against ../shared/chat-templates/cases.json).
public enum BuiltinTemplate: String, CaseIterable, Sendable {
    /// meta-llama/Llama-2-7b-chat-hf (Llama 2 Community Licence).
    case llama2Chat = "llama-2-chat"
    /// allenai/tulu-2-dpo-7b (AI2 ImpACT Low Risk licence).
    case tulu2 = "tulu-2"
    /// HuggingFaceH4/zephyr-7b-beta (MIT).
    case zephyr
    /// openchat/openchat_3.5, also berkeley-nest/Starling-LM-7B-alpha (Apache-2.0).
    case openchat
    /// ChatML as transformers' former default template (also teknium/OpenHermes-2.5-Mistral-7B's).
    case chatml

    /// The Hub repository the template was copied from.
    public var provenance: String {
        switch self {
        case .llama2Chat: "meta-llama/Llama-2-7b-chat-hf tokenizer_config.json"
        case .tulu2: "allenai/tulu-2-dpo-7b tokenizer_config.json"
        case .zephyr: "HuggingFaceH4/zephyr-7b-beta tokenizer_config.json"
        case .openchat: "openchat/openchat_3.5 and berkeley-nest/Starling-LM-7B-alpha tokenizer_config.json"
        case .chatml: "transformers' former default ChatML template (teknium/OpenHermes-2.5-Mistral-7B tokenizer_config.json)"
        }
    }

    public var bosToken: String {
        switch self {
        case .chatml: "<|im_start|>"
        default: "<s>"
        }
    }

    public var eosToken: String {
        switch self {
        case .openchat: "<|end_of_turn|>"
        case .chatml: "<|im_end|>"
        default: "</s>"
        }
    }

    /// The built-in template for a model, recognised by its name or path (`Llama-2-7b-chat-hf`,
    /// `zephyr-7b-beta`, `Starling-LM-7B-alpha`, …); nil when none applies.
    public static func matching(model: String) -> BuiltinTemplate? {
        let name = model.lowercased()
        if name.contains("llama-2") && name.contains("chat") { return .llama2Chat }
        if name.contains("tulu-2") || name.contains("tulu2") { return .tulu2 }
        if name.contains("zephyr") { return .zephyr }
        if name.contains("openchat") || name.contains("starling-lm") { return .openchat }
        return nil
    }

    /// The parsed template.
    public func template() throws(TemplateError) -> ChatTemplate {
        try ChatTemplate(source: source, name: "builtin:\(rawValue)")
    }

    public var source: String {
        switch self {
        case .llama2Chat:
            #"{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}{% set system_message = false %}{% endif %}{% for message in loop_messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if loop.index0 == 0 and system_message != false %}{% set content = '<<SYS>>\n' + system_message + '\n<</SYS>>\n\n' + message['content'] %}{% else %}{% set content = message['content'] %}{% endif %}{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}{% endfor %}"#
        case .tulu2:
            #"""
            {% for message in messages %}
            {% if message['role'] == 'user' %}
            {{ '<|user|>\n' + message['content'] }}
            {% elif message['role'] == 'assistant' %}
            {{ '<|assistant|>\n'  + message['content'] + eos_token }}
            {% endif %}
            {% if loop.last and add_generation_prompt %}
            {{ '<|assistant|>' }}
            {% endif %}
            {% endfor %}
            """#
        case .zephyr:
            #"""
            {% for message in messages %}
            {% if message['role'] == 'user' %}
            {{ '<|user|>\n' + message['content'] + eos_token }}
            {% elif message['role'] == 'system' %}
            {{ '<|system|>\n' + message['content'] + eos_token }}
            {% elif message['role'] == 'assistant' %}
            {{ '<|assistant|>\n'  + message['content'] + eos_token }}
            {% endif %}
            {% if loop.last and add_generation_prompt %}
            {{ '<|assistant|>' }}
            {% endif %}
            {% endfor %}
            """#
        case .openchat:
            #"{{ bos_token }}{% for message in messages %}{{ 'GPT4 Correct ' + message['role'].title() + ': ' + message['content'] + '<|end_of_turn|>'}}{% endfor %}{% if add_generation_prompt %}{{ 'GPT4 Correct Assistant:' }}{% endif %}"#
        case .chatml:
            #"{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"#
        }
    }
}
