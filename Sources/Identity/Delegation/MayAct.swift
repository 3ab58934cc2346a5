import Core

/// RFC 8693 §4.4 `may_act`: the party the token's subject allows to act for them. Members `sub`, `iss` and
/// `client_id` are understood (each present one must match); a claim with any other member, or of another
/// shape, admits no one, since the gateway cannot tell whom it allows.
struct MayAct {
    let claim: JSONValue

    func admits(_ actor: Principal.Actor) -> Bool {
        guard case .object(let members) = claim, !members.isEmpty else { return false }
        for (name, value) in members {
            guard let text = value.stringValue else { return false }
            switch name {
            case "sub", "client_id": if text != actor.subject { return false }
            case "iss": if text != actor.issuer { return false }
            default: return false
            }
        }
        return true
    }
}
