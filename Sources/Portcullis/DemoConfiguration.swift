/// The demo's built-in configuration and policies, written into its data directory at start so that
/// what the demo runs is visible and can be copied as a starting point.
enum DemoConfiguration {
    static func yaml(port: Int, upstreamPort: Int, dataDirectory: String) -> String {
        """
        # Written by `portcullis demo`. The demo runs exactly this file; copy it as a starting point.
        server:
          host: 127.0.0.1
          port: \(port)
        providers:
          mock:
            kind: openai
            base_url: http://127.0.0.1:\(upstreamPort)/v1
            api_key: env:PORTCULLIS_DEMO_UPSTREAM_KEY
          mock-anthropic:
            kind: anthropic
            base_url: http://127.0.0.1:\(upstreamPort)/v1
            api_key: env:PORTCULLIS_DEMO_UPSTREAM_KEY
          mock-bedrock:
            kind: bedrock
            base_url: http://127.0.0.1:\(upstreamPort)
            aws: {region: ap-southeast-1, access_key_id: env:PORTCULLIS_DEMO_AWS_KEY_ID, secret_access_key: env:PORTCULLIS_DEMO_AWS_SECRET}
          mock-gemini:
            kind: gemini
            base_url: http://127.0.0.1:\(upstreamPort)/v1beta
            api_key: env:PORTCULLIS_DEMO_UPSTREAM_KEY
        models:
          - name: claude-sonnet-5
            provider: mock-anthropic
            upstream_model: mock-claude
            hosting: external
            allowed_data_classes: [public]
            input_price_per_million: 3.00
            output_price_per_million: 15.00
          - name: gpt-4o-mini
            provider: mock
            upstream_model: mock-gpt
            hosting: external
            allowed_data_classes: [public]
            input_price_per_million: 0.15
            output_price_per_million: 0.60
          - name: internal-llama
            provider: mock
            upstream_model: mock-gpt
            hosting: internal
            allowed_data_classes: [public, internal, confidential]
            input_price_per_million: 0.05
            output_price_per_million: 0.10
          - name: bedrock-claude
            provider: mock-bedrock
            upstream_model: "apac.anthropic.claude-sonnet-4-20250514-v1:0"
            hosting: external
            region: ap-southeast-1
            allowed_data_classes: [public]
            input_price_per_million: 3.00
            output_price_per_million: 15.00
          - name: gemini-flash
            hosting: external
            allowed_data_classes: [public]
            input_price_per_million: 0.30
            output_price_per_million: 2.50
            # Served by the Gemini API; when it fails before answering, Bedrock serves instead.
            targets:
              - {provider: mock-gemini, upstream_model: gemini-2.5-flash, hosting: external}
              - {provider: mock-bedrock, upstream_model: "apac.anthropic.claude-sonnet-4-20250514-v1:0", hosting: external, region: ap-southeast-1}
          - name: text-embedding-3-small
            provider: mock
            upstream_model: mock-embedding
            hosting: external
            allowed_data_classes: [public]
            input_price_per_million: 0.02
        identity:
          issuers:
            - name: dev
              issuer: http://127.0.0.1:\(port)/dev-idp
              audiences: [portcullis]
              require_access_token_typ: true
              claim_mapping: {preset: generic, actor_client: /azp}   # the client a user token is issued to acts for the user
          delegation:
            workloads:
              # The demo's RAG service may call for users whose tokens were issued to the RAG web app.
              - {issuer: "http://127.0.0.1:\(port)/dev-idp", subject: rag-api, user_token_clients: [rag-web]}
          dpop:
            public_url: http://127.0.0.1:\(port)
          upstream_user_id:
            mode: hmac
            key: file:\(dataDirectory)/upstream-user-id.key
        policy:
          files: [policies/demo.cedar]
        guardrails:
          default_profile: standard
        audit:
          path: audit.sqlite
          content: hash
        limits:
          currency: USD
          rate_limits:
            - {scope: principal, match: "*", requests_per_minute: 600, tokens_per_minute: 500000}
          budgets:
            - {scope: principal, match: "*", daily: 5.00, monthly: 50.00}
          cache:
            enabled: true
        observability:
          log_level: notice
          log_format: text
        mcp:
          public_url: http://127.0.0.1:\(port)
          servers:
            demo:
              # The mock's built-in MCP server; the gateway holds its credential (the mock's key), callers never do.
              url: http://127.0.0.1:\(upstreamPort)/mcp
              authorization: env:PORTCULLIS_DEMO_UPSTREAM_KEY
              pinning: first_use
        """
    }

    static let policies = """
    // Demo policy set (see examples/policies for the full seed scenario).
    @id("models-list-authenticated")
    permit(principal, action == Action::"models.list", resource is Model);

    // Everyone signed in may use the demo models. Personal data is pseudonymised before it reaches
    // the provider and restored in the answer; secrets are redacted; answers are capped.
    @id("demo-general-use")
    @guardrails("standard")
    @pseudonymise("pii")
    @redact("secret")
    @max_tokens("1024")
    permit(principal, action in Action::"inference", resource is Model);

    // Internal-API tools only for engineers, only on internally hosted models.
    @id("internal-tools-engineers-internal-only")
    forbid(principal, action in Action::"inference", resource is Model)
    when { context.tools.containsAny(["internal_api", "repo_search"]) }
    unless { principal in Group::"engineers" && resource.hosting == "internal" };

    // MCP (/mcp/demo): everyone may list; read-only tools may be called; nothing destructive.
    @id("mcp-demo-lists")
    permit(principal, action in [Action::"tools/list", Action::"resources/list", Action::"prompts/list"], resource == MCPServer::"demo");

    @id("mcp-demo-read-only-tools")
    @guardrails("standard")
    @requests_per_minute("60")
    permit(principal, action in [Action::"tools/call", Action::"resources/read", Action::"prompts/get"], resource in MCPServer::"demo");

    @id("mcp-no-destructive-tools")
    forbid(principal, action == Action::"tools/call", resource is Tool)
    when { resource.destructive };

    // Prompt injection and jailbreak attempts are refused outright.
    @id("no-injection")
    forbid(principal, action in Action::"inference", resource is Model)
    when { context.finding_categories.containsAny(["injection", "jailbreak"]) };
    """
}
