import Core

/// Signatures of prompt injection and jailbreak attempts, as `DetectorRule`s for the Vectorscan scanner.
/// `IntentDetector` runs them over the normalised view of each message (so homoglyphs, invisible
/// characters and encoded spans cannot hide a match), request direction only. Every pattern is bounded
/// and caseless; a rule's score is its confidence that the span is an attack.
///
/// Families (detector ids): `injection.override`, `injection.prompt_leak`, `injection.delimiter`,
/// `injection.payload_split`, `injection.encoded_instruction`, `jailbreak.dan`, `jailbreak.developer_mode`,
/// `jailbreak.unrestricted`, `jailbreak.roleplay`.
public enum IntentSignatures {
    public static var rules: [DetectorRule] { overrides + leaks + delimiters + splitting + jailbreaks + indirect + harmful }

    /// Detector ids that only count in tool results and retrieved documents (role `.tool`): text that
    /// tells an agent to read secrets, persist itself or run code. In a user's own message they are
    /// ordinary requests.
    public static let toolOnlyPrefix = "injection.indirect"


    static func rule(_ id: String, _ pattern: String, _ score: Double) -> DetectorRule {
        let category =
            id.hasPrefix("jailbreak") ? "jailbreak" : id.hasPrefix("harmful.") ? String(id.split(separator: ".").prefix(2).joined(separator: ".")) : "injection"
        return DetectorRule(
            id: id, category: category, pattern: pattern, caseless: true, directions: [.request], baseScore: score,
            validate: { _, _ in score })
    }

    static let ws = #"[\s\-_*.,:]{1,4}"#
    static let determiners = #"((all|any|every|each|of|the|your|my|our|these|those|this|that|such)[\s\-_*.,:]{1,4}){0,4}"#
    static let overrideVerbs = #"(ignore|disregard|forget|neglect|skip|override|overrule|bypass|drop|discard|abandon|dismiss|omit|nevermind|never mind|set aside|throw out|delete|erase)"#
    static let earlier = #"(previous|prior|preceding|above|earlier|former|foregoing|original|initial|old|existing|system|safety|ethical|moral|content|default|developer|pre-?programmed|programmed|built-?in|given)"#
    static let directives = #"(instructions?|prompts?|rules|directives?|guidelines|commands?|orders|programming|guardrails|restrictions|constraints|policies|polic(y|ies)|context|conversation|messages?|tasks?|settings|training|filters?|limitations|principles|text)"#

    static let overrides: [DetectorRule] = [
        rule("injection.override", "\\b\(overrideVerbs)\(ws)\(determiners)\(earlier)\(ws)(\(earlier)\(ws))?\(directives)", 0.95),
        rule("injection.override", "\\b\(overrideVerbs)\(ws)(all|any|every|everything|your)\(ws)((of|the|your|you were|you've been|you have been|i|we)\(ws)){0,3}(\(directives)|told|given|said)", 0.9),
        rule("injection.override", #"\b(your|the|my)\s+new\s+(task|instructions?|role|objective|goal|job|mission|purpose|directive)\s+(is|are|will be)\b"#, 0.75),
        rule("injection.override", #"\b(from now on|starting now|henceforth|for the rest of this conversation)[\s,]+(you|your)\s+(will|must|shall|are|should|only|have)\b[^.\n]*\b(ignore|not follow|no longer|disobey|instead|without)"#, 0.8),
        rule("injection.override", #"\b(stop|halt|abort|cancel)\s*(everything|all( previous)? (tasks|instructions))?[\s!.:-]{1,6}(now\s+)?(just\s+)?(print|say|write|output|respond with|repeat)\s+["'“]"#, 0.8),
        rule("injection.override", #"\b(instead|rather)[\s,]+(just\s+)?(print|say|output|respond with|reply with)\s+["'“][^"'”\n]+["'”]\s*(and nothing else|only)?"#, 0.55),
        // Instructions declared void, or the task swapped for another ("scrap the translation; instead …").
        rule("injection.override", #"\b(treat|consider|regard|deem|declare|mark)\s+(them|those|it|these|all of them|the\s+(previous|prior|above|earlier|original|system|initial)\s+(instructions?|rules|prompts?|messages?|directives?|guidelines|text))\s+(as\s+)?(void|null|invalid|obsolete|cancell?ed|revoked|irrelevant|non-?binding|expired)\b"#, 0.85),
        rule("injection.override", #"\b(scrap|drop|cancel|abort|abandon|forget|skip|stop|quit)\s+(the|this|that|your|my)\s+([a-z]{1,14}\s+)?(task|job|assignment|translation|summary|summari[sz]ation|request|work|exercise)\b[^.\n]*\b(instead|now|rather)\b"#, 0.8),
        rule("injection.override", #"\b(system|admin|administrator|security|developer|root|kernel)\s+(override|overide|update|bypass|unlock)\s*(accepted|activated|enabled|granted|confirmed|engaged|complete|successful)"#, 0.85),
        rule("injection.override", #"\b(reply|respond|answer|output)\s+(only\s+)?with\s+(only\s+)?(the\s+)?(text|words|sentence|message)?\s*["'“][^"'”\n]*(https?://|www\.|bit\.ly)"#, 0.6),
        rule("injection.encoded_instruction", #"\b(decode|decipher|decrypt|translate|convert|unscramble|reverse)\b[^.\n]*\b(base64|base-64|rot13|rot-13|hex|hexadecimal|binary|morse|caesar|cipher|leetspeak|backwards)\b[^.\n]*\b(follow|execute|obey|carry out|do what|act on|perform|answer|respond to)\b"#, 0.8),
    ]

    static let leakVerbs = #"(show|reveal|print|output|repeat|display|tell|give|list|leak|share|dump|write( out| down)?|copy|recite|spell( out)?|paste|return|expose|disclose|provide|summari[sz]e|translate|encode|what (is|are|were|was))"#
    static let leaks: [DetectorRule] = [
        rule("injection.prompt_leak", "\\b\(leakVerbs)\\b[^.\\n?]*\\b(your|the|its|this)\\s+(entire\\s+|full\\s+|complete\\s+|exact\\s+|whole\\s+|very\\s+)?(system|initial|original|hidden|secret|first|starting|developer|internal|pre-?)[\\s\\-]{0,2}(prompts?|instructions?|messages?|directives|configuration|rules|guidelines|setup|settings|programming)", 0.9),
        rule("injection.prompt_leak", #"\b(repeat|print|output|copy|recite|echo|show)\s+((back|out|me)\s+)?(everything|all( of)?( the)?( text| words| content| messages)?|the (text|words|content|messages?|lines?))\s+(above|before|prior|preceding|that came before|from the (start|beginning))"#, 0.9),
        rule("injection.prompt_leak", #"\bwhat\s+(were|are)\s+you\s+(told|instructed|programmed|given|asked)\s+(to do\s+)?(before|at the (start|beginning)|initially|originally|prior)"#, 0.85),
        rule("injection.prompt_leak", #"\byour\s+(very\s+)?(initial|original|first|hidden|secret|system|starting)\s+(prompt|instructions|directives)\b"#, 0.7),
        rule("injection.prompt_leak", #"\b(first|opening|initial|last|earliest)\s+(sentence|line|lines|words?|paragraph|message|part)\s+of\s+(the|your)\s+(text|prompt|instructions|context|memory|conversation|input)\b"#, 0.7),
        rule("injection.prompt_leak", #"\b(text|instructions|content|words|prompt|message)s?\s+(loaded|stored|placed|given|put|written)\s+(in|into|at the start of)\s+your\s+(memory|context|context window|prompt|configuration)"#, 0.8),
        rule("injection.prompt_leak", #"\b(text|words|instructions|everything)\s+(you\s+were\s+given|above\s+this\s+line|before\s+this\s+conversation|in\s+your\s+context\s+window)"#, 0.7),
    ]

    static let delimiters: [DetectorRule] = [
        rule("injection.delimiter", #"<\s*/?\s*(system|sys|system_prompt|instructions?|assistant|im_start|im_end|developer|admin)\s*>"#, 0.35),
        rule("injection.delimiter", #"<\s*(system|system_prompt|instructions?|admin|developer)\s*>[^<\n]*\b(ignore|disregard|you (are|must|will)|new instructions|override|reveal|from now on)"#, 0.9),
        rule("injection.delimiter", #"<\|\s*(im_start|im_end|im_sep|system|user|assistant|endoftext|eot_id|start_header_id|end_header_id|begin_of_text|end_of_turn|start_of_turn)\s*\|>"#, 0.9),
        rule("injection.delimiter", #"(\[/?(INST|SYS)\]|<<\s*/?\s*SYS\s*>>|<start_of_turn>|<end_of_turn>)"#, 0.35),
        rule("injection.delimiter", #"(^|\n)[ \t]*(#{2,4}|={3,}|-{3,}|\*{3,})[ \t]*(new |updated |real |actual |system |admin |override )?(instructions?|system( prompt)?|system message|admin|developer)[ \t]*:?[ \t]*(#{2,4}|={3,}|-{3,})?[ \t]*(\r?\n|$)"#, 0.6),
        rule("injection.delimiter", #"(^|\n)[ \t]*\[?(system|admin|developer|root|sudo|assistant)[ \t]*(message|override|instruction|notice|update|command|prompt|note)?\]?[ \t]*:[ \t]*(ignore|disregard|you (are|must|will)|new instructions|override|the user|from now)"#, 0.8),
        rule("injection.delimiter", #"["']role["']\s*:\s*["'](system|developer)["']\s*,\s*["']content["']\s*:"#, 0.35),
        rule("injection.delimiter", #"["']role["']\s*:\s*["'](system|developer)["']\s*,\s*["']content["']\s*:\s*["'][^"'\n]*\b(ignore|disregard|you are now|no (restrictions|rules|filters)|override|reveal)"#, 0.9),
        rule("injection.delimiter", #"\b(end|close)\s+of\s+(the\s+)?(system\s+prompt|user\s+input|document|context|instructions)\b[\s\-=#*\])>.]{0,8}(now\s+)?(ignore|new|you|the|follow|begin|start)"#, 0.7),
    ]

    static let splitting: [DetectorRule] = [
        rule("injection.payload_split", #"\b(answer|respond to|execute|follow|do|perform|complete|print|tell me|write|output|carry out|run)\b[^\n]*\b[a-z]\w{0,6}\s*\+\s*[a-z]\w{0,6}(\s*\+\s*[a-z]\w{0,6})*\b"#, 0.6),
        rule("injection.payload_split", #"\b(concatenate|combine|join|merge|put together|assemble)\b[^.\n]*\b(strings?|parts?|pieces|variables|fragments|letters|words|halves)\b[^.\n]*\b(answer|respond|follow|execute|do|perform|carry out|and then|then)\b"#, 0.7),
        rule("injection.payload_split", #"\bsmart ?gpt\b"#, 0.8),
    ]

    static let unrestrictedNouns = #"(ai|a\.i\.|chatbot|bot|assistant|model|version|language model|llm|persona|character|entity|system|intelligence|gpt|machine)"#
    static let jailbreaks: [DetectorRule] = [
        rule("jailbreak.dan", #"\bdo\s+anything\s+now\b"#, 0.95),
        rule("jailbreak.dan", #"\b(you\s+are|you're|act\s+as|pretend\s+to\s+be|become|called|named)\s+(now\s+)?(a\s+|an\s+|the\s+)?(betterdan|antigpt|anti-dan|evil-?bot|apophis|mongo tom|chatgpt with developer mode)\b"#, 0.85),
        // Ordinary names (Dan, Stan, Kevin, "dude", "aim") count only with what makes them a jailbreak persona.
        rule("jailbreak.dan", #"\b(you\s+are|you're|act\s+as|pretend\s+to\s+be|become|role\s+of)\s+(now\s+)?(a\s+|an\s+|the\s+)?(dan|stan|dude|aim|kevin)\b[^.\n]*\b(stands?\s+for|do\s+anything|strive\s+to\s+avoid\s+norms|always\s+intelligent\s+and\s+machiavellian|no\s+(restrictions|filters|rules|limits|morals|ethics)|unfiltered|uncensored|amoral|jailbr\w*|without\s+(any\s+)?(restrictions|limits|filters|morals|ethics))"#, 0.95),
        rule("jailbreak.dan", #"\b(dan|stan|dude|aim|jailbreak)\s+mode\s+(is\s+)?(on|enabled|activated)|\b(enable|activate|enter|stay\s+in)\s+(dan|stan|dude|jailbreak)\s+mode\b"#, 0.85),
        rule("jailbreak.developer_mode", #"\b(developer|dev|god|debug|admin|sudo|jailbreak|jailbroken|unrestricted|unfiltered|uncensored|evil|opposite|unlocked)\s+mode\s+(is\s+)?(enabled|activated|engaged|unlocked)\b"#, 0.8),
        rule("jailbreak.developer_mode", #"\b(enable|activate|enter|switch to|turn on|simulate|with)\s+(the\s+)?(developer|god|jailbreak|unrestricted|unfiltered|uncensored|dan|evil|unlocked)\s+mode\b"#, 0.35),
        rule("jailbreak.developer_mode", #"\b(chatgpt|gpt-?\d?|you|yourself|the ai|an ai|the assistant|the model|llm)\b[^.\n]*\b(developer|god|jailbreak|unrestricted|unfiltered|uncensored|evil|unlocked)\s+mode\b[^.\n]*\b(enabled|policies|ignore|no (restrictions|filters|censorship)|any (kind of )?content|normal (response|output))"#, 0.9),
        rule("jailbreak.unrestricted", #"\b(no|without|free from|free of|not bound by|unbound by|unconstrained by|beyond|outside|ignore|ignores|ignoring|break|breaks|broken free of)\s+(any\s+|all\s+|the\s+|its\s+|their\s+|your\s+)?(ethical|moral|ethic|morality|content|safety|openai'?s?|legal|programming|typical|usual|standard|normal)\s+(and\s+\w+\s+)?(guidelines|restrictions|filters?|policies|policy|constraints|limitations|limits|rules|principles|boundaries|confines|considerations|standards|censorship|guard ?rails)"#, 0.85),
        rule("jailbreak.unrestricted", "\\b(unfiltered|uncensored|unrestricted|amoral|unethical|jailbroken|immoral|unbound|unchained|unlimited|rogue)\\s+(and\\s+\\w+\\s+)?\(unrestrictedNouns)\\b", 0.8),
        rule("jailbreak.unrestricted", #"\b(does\s*n[o']?t|do\s+not|don't|never|will\s+not|won't|cannot|can't|must\s+not|mustn't|shall\s+not)\s+(have\s+to\s+|need\s+to\s+|ever\s+)?(follow|abide by|adhere to|obey|comply with|care about|respect)\s+(any\s+|the\s+)?(openai|ethical|moral|safety|content|usual|typical)?\s*(rules|guidelines|policies|polic(y|ies)|restrictions|principles|guardrails|filters?)"#, 0.8),
        rule("jailbreak.unrestricted", #"\byou\s+(will\s+|must\s+|shall\s+|should\s+|can\s+|are\s+to\s+)?(never|not|don't|do not|won't|cannot|can't)\s+(ever\s+)?(refuse|decline|reject)\s+(any|to answer|to respond|to comply|my|a direct|the user'?s?)\b"#, 0.6),
        rule("jailbreak.unrestricted", #"\bwithout\s+(any\s+)?(censorship|restrictions|filters|filtering|limitations|moral|morals|ethics|warnings|disclaimers)\b[^.\n]*\b(answer|respond|reply|generate|write|say|tell|provide)"#, 0.6),
        rule("jailbreak.roleplay", #"\b(pretend|imagine|act|roleplay|role-play|play the role|simulate|hypothetical(ly)?|in this (fictional|hypothetical) (world|story|scenario))\b[^.\n]*\b(no|without|free of|zero)\s+(restrictions|limits|limitations|filters|rules|censorship|boundaries|morals|ethics|guidelines)\b"#, 0.7),
        rule("jailbreak.roleplay", #"\b(answer|respond|reply|write)\s+(every\s+[a-z]{1,12}\s+)?(twice|two times|in two ways|in two versions)\b"#, 0.35),
        rule("jailbreak.roleplay", #"\[(safe|evil|classic|jailbreak|jailbroken|normal|unfiltered|dan|good|bad|filtered|gpt|lock|unlock)\][^\n]*\[(safe|evil|classic|jailbreak|jailbroken|normal|unfiltered|dan|good|bad|filtered|gpt|lock|unlock)\]"#, 0.85),
        // A persona introduced as free of rules ("You are FreeMind, an AI that is not bound by …").
        rule("jailbreak.roleplay", #"\b(you\s+are|you're|act\s+as|become|named|called|known\s+as)\s+(now\s+)?[a-z][a-z0-9-]{1,20}[,:]?\s+(an?|the)\s+([a-z]{1,14}\s+)?(ai|assistant|chatbot|bot|model|entity|persona|intelligence|mind)\b[^.\n]*\b(free (from|of)|not bound|unbound|no (limits|restrictions|rules|filters|boundaries|censorship|morals|ethics)|without (limits|restrictions|rules|filters|boundaries|censorship)|unrestricted|uncensored|unfiltered|can do anything)"#, 0.85),
        // The deceased-relative role play used to extract instructions ("my late grandma used to tell me …").
        rule("jailbreak.roleplay", #"\b(act|pretend|play|role-?play|be)\b[^.\n]*\b(my|our)\s+(late|deceased|dead|departed)\s+(grand(ma|mother|pa|father)|nan|nana|mother|father|uncle|aunt)\b[^\n]*\b(used to|would)\s+(tell|read|recite|explain|describe|sing|teach)"#, 0.7),
        rule("jailbreak.roleplay", #"\b(stay|remain|keep|break)\s+in\s+character\b[^.\n]*\b(no matter|whatever|at all (costs|times)|always|never|even if)"#, 0.6),
        rule("jailbreak.roleplay", #"\b(two|2|both)\s+(different\s+|separate\s+)?(responses|answers|ways|paragraphs)\b[^.\n]*\b(normal|classic|standard|filtered|censored)\b[^.\n]*\b(jailbreak|unfiltered|uncensored|developer|dan|opposite|evil|unrestricted)"#, 0.85),
    ]

    /// Words that make a request about a weapon or malware a question about defence, study or writing.
    static let protective = ["about", "explain", "detect", "protect", "defend", "defence", "defense", "prevent", "remove",
                             "analy", "history", "essay", "article", "report", "policy", "awareness", "training", "recover",
                             "bath bomb", "seed bomb", "bomb-proof", "bombproof", "bomb shelter", "photo bomb", "photobomb",
                             "bomb calorimeter", "cherry bomb", "f-bomb"]
    /// A request for instructions (weapons) ...
    static let instructionCues = ["how ", "step", "instruction", "guide", "teach", "show me", "help me", "tutorial", "recipe",
                                  "walk me", "explain to me how", "tell me how", "ways to"]
    /// ... or for working, hostile behaviour (malware).
    static let hostileCues = ["encrypt", "steal", "spread", "infect", "evade", "undetect", "victim", "silently", "hidden",
                              "record every", "records every", "record all", "send them", "sends them", "send it", "without the user",
                              "without them", "without their", "bypass", "antivirus"]

    /// These rules run without start-of-match tracking (with it the patterns are too costly to compile) and
    /// are kept to two parts: the validator reads the context window around the match end (64 bytes before,
    /// 32 after) for the cue that makes the phrase a request for harm, and for words that make it a
    /// question about defence, study or writing.
    static func harmfulRequest(_ id: String, _ pattern: String, cues: [String]) -> DetectorRule {
        var rule = DetectorRule(
            id: id, category: String(id.split(separator: ".").prefix(2).joined(separator: ".")), pattern: pattern,
            caseless: true, directions: [.request], baseScore: 0.92,
            validate: { match, context in
                let m = (match + " " + context).lowercased()
                guard cues.contains(where: { m.contains($0) }), !protective.contains(where: { m.contains($0) }) else { return nil }
                return 0.92
            })
        rule.reportsStart = false
        return rule
    }

    /// Harmful requests the classifier alone scores too low. Sexual content involving minors: no training
    /// data (rightly) in any package, so a signature: a
    /// request to produce sexual material together with a minor. Questions about protection, education
    /// or abuse prevention are dropped by the validator.
    static let harmful: [DetectorRule] = [
        // Instructions to make an explosive, chemical or untraceable weapon: the classifier scores short
        // imperative requests near the threshold; the phrase is specific.
        harmfulRequest(
            "harmful.weapons.instructions",
            #"\b(make|making|build|building|construct|assemble|create|manufacture|synthesi[sz]e|produce|cook|brew|print)\b[^.\n?]*\b(pipe\s+bombs?|bombs?|ieds?|improvised\s+explosives?|explosive\s+devices?|nerve\s+agents?|sarin|vx|ricin|napalm|molotov|chemical\s+weapons?|bio-?weapons?|ghost\s+guns?|untraceable\s+(guns?|firearms?)|tatp)\b"#,
            cues: instructionCues),
        // Working malware (not an explanation, detection or removal of it).
        harmfulRequest(
            "harmful.malware.build",
            #"\b(write|create|code|program|build|develop|generate|make|give\s+me)\b[^.\n?]*\b(ransomware|keyloggers?|rootkits?|botnets?|computer\s+virus(es)?|self-?propagating\s+worms?|credential\s+stealers?|info-?stealers?|remote\s+access\s+trojans?|cryptojackers?)\b"#,
            cues: hostileCues),
        DetectorRule(
            id: "harmful.sexual_minors.request", category: "harmful.sexual_minors",
            pattern: #"\b(write|describe|generate|create|make|produce|draw|render|show|send|find|share|roleplay|role-play|story|image|picture|photo|video)s?\b[^.\n]*\b(sex|sexual|sexy|porn\w*|nude|naked|erotic\w*|explicit|lewd|nsfw)\b[^.\n]*\b(child|children|minor|minors|underage|kids?|preteens?|toddlers?|(1[0-7]|[1-9])[- ]?(year|yr)s?[- ]old|schoolgirls?|schoolboys?)\b|\b(csam|child\s+porn\w*|kiddie\s+porn|cp\s+(videos?|pics|links))\b"#,
            caseless: true, directions: [.request], baseScore: 0.95,
            validate: { match, _ in
                let m = match.lowercased()
                for word in ["abuse", "prevent", "protect", "safety", "education", "report", "detect", "signs", "development"]
                where m.contains(word) {
                    return nil
                }
                return 0.95
            }),
    ]

    static let indirect: [DetectorRule] = [
        // Text in a document addressing the AI that reads it, with an instruction ("P.S. AI assistant: do not
        // summarise; instead …", "notice to any language model: reply only with …").
        rule("injection.indirect", #"\b(to|dear|attention|note\s+to|notice\s+to|message\s+(for|to)|p\.?\s?s\.?|hey|important\s+for|instructions?\s+for)[\s,:]+(the\s+|any\s+|all\s+|every\s+)?(ai|a\.i\.|assistants?|agents?|language\s+models?|llms?|chatbots?|bots?|copilots?|gpts?|automated\s+(systems?|tools?|assistants?))\b[^\n]*\b(do\s+not|don't|instead|ignore|disregard|forward|send|reply\s+only|respond\s+only|you\s+must|must\s+now|visit|tell\s+the\s+user|email|transfer|delete)\b"#, 0.85),
        rule("injection.indirect", #"\b(echo|print|printenv|cat|type|dump|read|open|export|upload|send|post)\b[^\n]*(\$\{?[A-Z_]*(KEY|TOKEN|SECRET|PASSWORD|CREDENTIALS?)\b|\.env\b|os\.environ|/etc/passwd|/etc/shadow|id_rsa|\.aws/credentials|\.ssh/|\.secret)"#, 0.8),
        rule("injection.indirect", #"\benv\s*\|\s*(sort|grep|tee|curl|nc|base64)|os\.environ\.items\(\)|\bprintenv\b"#, 0.75),
        rule("injection.indirect", #"(>>|tee\s+-a)\s*~?/?\.(bashrc|profile|zshrc|bash_profile)|\.git/hooks|\bcrontab\s+-|/etc/cron"#, 0.75),
        rule("injection.indirect", #"\bpython3?\s+-c\s+["'][^"'\n]*(os\.system|subprocess|os\.popen|os\.environ|exec\(|eval\(|urllib|requests\.(get|post))"#, 0.8),
        rule("injection.indirect", #"\b(agents?|assistants?|ai|llms?|copilots?|bots?|language models?)\b[^.\n]*\b(must|should|needs? to|is required to|are required to|has to|have to)\b[^.\n]*\b(run|execute|send|post|print|read|install|fetch|visit|include|upload|output|reveal)\b"#, 0.8),
        rule("injection.indirect", #"\b(before|prior to)\s+(making|modifying|patching|fixing|editing|changing|any)\b[^.\n]*\b(run|execute|install)\b[^.\n]*(:|\bcommand)"#, 0.6),
        rule("injection.indirect", #"\b(curl|wget|fetch|requests\.post|invoke-webrequest)\b[^\n]*\b(-d|--data|--upload-file|-F|-T|data=|json=)[^\n]*(\$[A-Z_]+|\.env|secret|token|password|key)"#, 0.8),
    ]
}
