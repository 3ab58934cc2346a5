import Core

@testable import Audit

// The reference encoding of a record: the `JSONValue` tree of every field, written by `serialized()`
// (Support's canonical JSON; keys sorted by the encoder). `CanonicalRecordWriter` must produce the same bytes
// (CanonicalJSONTests); keys must equal the parts' `CodingKeys` (the round-trip test).

extension AuditRecord {
    func canonical(time: String) -> JSONValue {
        var o: [String: JSONValue] = [
            "time": .string(time), "sequence": .integer(sequence), "trail_id": .string(trailID),
            "request_id": .string(requestID),
            "phase": .string(phase.rawValue), "action": .string(action), "findings": .array(findings.map(\.canonical)),
        ]
        o["principal"] = principal?.canonical
        o["refusal_reason"] = refusalReason.map(JSONValue.string)
        o["client_ip"] = clientIP.map(JSONValue.string)
        o["route"] = route.map(JSONValue.string)
        o["purpose"] = purpose.map(JSONValue.string)
        o["data_classification"] = dataClassification.map(JSONValue.string)
        o["model_requested"] = modelRequested.map(JSONValue.string)
        o["model_served"] = modelServed.map(JSONValue.string)
        o["provider"] = provider.map(JSONValue.string)
        o["decision"] = decision?.canonical
        o["obligations"] = obligations?.canonical
        o["status"] = status.map(JSONValue.integer)
        o["usage"] = usage.map { ["inputTokens": .integer($0.inputTokens), "outputTokens": .integer($0.outputTokens)] }
        o["cost"] = cost.map(JSONValue.number)
        o["currency"] = currency.map(JSONValue.string)
        o["latency"] = latency?.canonical
        o["cache_hit"] = cacheHit.map(JSONValue.bool)
        o["streamed_bytes"] = streamedBytes.map(JSONValue.integer)
        o["dropped_answer_fields"] = droppedAnswerFields.map(strings)
        o["outcome"] = outcome.map { .string($0.rawValue) }
        o["content"] = content?.canonical
        o["attempts"] = attempts.map { list in
            .array(list.map { a in
                var e: [String: JSONValue] = ["provider": .string(a.provider), "upstream_model": .string(a.upstreamModel), "outcome": .string(a.outcome)]
                e["status"] = a.status.map(JSONValue.integer)
                e["duration_ms"] = a.durationMs.map(JSONValue.number)
                e["policies"] = a.policies.map(strings)
                e["request_sha256"] = a.requestSHA256.map(JSONValue.string)
                return .object(e)
            })
        }
        o["mcp"] = mcp.map { m in
            var e: [String: JSONValue] = ["server": .string(m.server), "method": .string(m.method)]
            e["name"] = m.name.map(JSONValue.string)
            e["protocol_version"] = m.protocolVersion.map(JSONValue.string)
            e["session"] = m.session.map(JSONValue.string)
            e["definition_sha256"] = m.definitionSHA256.map(JSONValue.string)
            e["arguments_sha256"] = m.argumentsSHA256.map(JSONValue.string)
            e["result_sha256"] = m.resultSHA256.map(JSONValue.string)
            e["integrity"] = m.integrity.map { events in
                .array(events.map { i in
                    var x: [String: JSONValue] = ["tool": .string(i.tool), "event": .string(i.event)]
                    x["pinned_sha256"] = i.pinnedSHA256.map(JSONValue.string)
                    x["seen_sha256"] = i.seenSHA256.map(JSONValue.string)
                    return .object(x)
                })
            }
            return .object(e)
        }
        return .object(o)
    }
}

private func strings(_ a: [String]) -> JSONValue { .array(a.map(JSONValue.string)) }

extension AuditPrincipal {
    var canonical: JSONValue {
        var o: [String: JSONValue] = [
            "issuer": .string(issuer), "subject": .string(subject), "kind": .string(kind), "groups": strings(groups),
        ]
        o["tenant"] = tenant.map(JSONValue.string)
        o["acr"] = acr.map(JSONValue.string)
        o["authentication_method"] = authenticationMethod.map(JSONValue.string)
        return .object(o)
    }
}

extension AuditDecision {
    var canonical: JSONValue {
        [
            "effect": .string(effect), "determining_policies": strings(determiningPolicies), "errors": strings(errors),
            "policy_set_hash": .string(policySetHash),
        ]
    }
}

extension AppliedObligations {
    var canonical: JSONValue {
        var o: [String: JSONValue] = ["redact": strings(redact), "pseudonymise": strings(pseudonymise)]
        o["guardrail_profile"] = guardrailProfile.map(JSONValue.string)
        o["max_tokens"] = maxTokens.map(JSONValue.integer)
        o["allowed_tools"] = allowedTools.map(strings)
        o["cache_scope"] = cacheScope.map(JSONValue.string)
        o["requests_per_minute"] = requestsPerMinute.map(JSONValue.integer)
        o["tokens_per_minute"] = tokensPerMinute.map(JSONValue.integer)
        o["calls_per_day"] = callsPerDay.map(JSONValue.integer)
        o["allowed_arguments"] = allowedArguments.map(strings)
        return .object(o)
    }
}

extension AuditFinding {
    var canonical: JSONValue {
        [
            "detector": .string(detector), "category": .string(category), "direction": .string(direction),
            "count": .integer(count),
            "positions": .array(positions.map { p in
                var o: [String: JSONValue] = ["start": .integer(p.start), "end": .integer(p.end)]
                o["message"] = p.message.map(JSONValue.integer)
                return .object(o)
            }),
        ]
    }
}

extension AuditLatency {
    var canonical: JSONValue {
        var o: [String: JSONValue] = [:]
        o["gateway_overhead_ms"] = gatewayOverheadMs.map(JSONValue.number)
        o["upstream_ms"] = upstreamMs.map(JSONValue.number)
        o["time_to_first_token_ms"] = timeToFirstTokenMs.map(JSONValue.number)
        o["total_ms"] = totalMs.map(JSONValue.number)
        return .object(o)
    }
}

extension CapturedContent {
    var canonical: JSONValue {
        var o: [String: JSONValue] = ["mode": .string(mode.rawValue)]
        o["request_sha256"] = requestSHA256.map(JSONValue.string)
        o["response_sha256"] = responseSHA256.map(JSONValue.string)
        o["request_bytes"] = requestBytes.map(JSONValue.integer)
        o["response_bytes"] = responseBytes.map(JSONValue.integer)
        o["content_sha256"] = contentSHA256.map(JSONValue.string)
        o["key_id"] = keyID.map(JSONValue.string)
        return .object(o)
    }
}
