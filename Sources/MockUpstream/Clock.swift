#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Seconds since 1970, for the APIs' `created` / `created_at` fields.
func unixTime() -> Int {
    Int(Date().timeIntervalSince1970)
}
