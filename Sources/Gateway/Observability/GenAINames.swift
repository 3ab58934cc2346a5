import Core
import Providers

/// The names the OpenTelemetry GenAI semantic conventions give to what the gateway serves: the operation of a
/// call (`gen_ai.operation.name`) and the provider that answers it (`gen_ai.provider.name`). Both switches are
/// exhaustive, so a new operation or provider kind is named here before it builds.
enum GenAINames {
    /// `gen_ai.operation.name`: the conventions' own value where one applies (`chat`, `embeddings`,
    /// `execute_tool`), else a name of ours in their style.
    static func operation(_ operation: Core.Operation) -> String {
        switch operation {
        case .chatCompletions, .responses, .messages: "chat"
        case .embeddings: "embeddings"
        case .messagesCountTokens: "count_tokens"
        case .modelsList: "list_models"
        case .toolsCall: "execute_tool"
        case .toolsList: "list_tools"
        case .resourcesList: "list_resources"
        case .resourcesRead: "read_resource"
        case .promptsList: "list_prompts"
        case .promptsGet: "get_prompt"
        }
    }

    /// `gen_ai.provider.name` of a provider kind: the conventions' well-known values, the server's own name for
    /// OpenAI-compatible servers they do not list.
    static func provider(_ kind: ProviderConfiguration.Kind) -> String {
        switch kind {
        case .openai: "openai"
        case .azure: "azure.ai.openai"
        case .vllm: "vllm"
        case .ollama: "ollama"
        case .anthropic: "anthropic"
        case .bedrock: "aws.bedrock"
        case .gemini: "gcp.gemini"
        case .vertex: "gcp.vertex_ai"
        }
    }
}
