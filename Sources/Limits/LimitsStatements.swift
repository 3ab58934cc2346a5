import PostgresNIO

/// The shared limits' statements of the hot path, prepared once per pooled connection (`SharedDatabase.execute`):
/// a batch's read of its row and its compare-and-swap, for buckets and for accounts.
enum LimitsStatements {
    /// A row's two numbers by its key: what both reads have in common.
    protocol ReadRow: PostgresPreparedStatement where Row == (Int64, Int64) {
        var id: ByteBuffer { get }
    }

    /// A bucket's two theoretical arrival times.
    struct ReadBucket: ReadRow {
        static let name = "portcullis_limits_read_bucket"
        static let sql = "SELECT request_tat, token_tat FROM limits_buckets WHERE key = $1"
        var id: ByteBuffer
    }

    /// Writes a bucket's new state if the row still holds `held`; a row back when it did.
    struct SwapBucket: PostgresPreparedStatement {
        static let name = "portcullis_limits_swap_bucket"
        static let sql = """
            UPDATE limits_buckets SET request_tat = $1, token_tat = $2, idle_at = $3
            WHERE key = $4 AND request_tat = $5 AND token_tat = $6 RETURNING true
            """
        var id: ByteBuffer
        var state: BucketState
        var held: BucketState

        func makeBindings() -> PostgresBindings {
            var b = PostgresBindings(capacity: 6)
            b.append(state.requestTAT)
            b.append(state.tokenTAT)
            b.append(state.idleAt)
            b.append(id)
            b.append(held.requestTAT)
            b.append(held.tokenTAT)
            return b
        }

        func decodeRow(_ row: PostgresRow) throws -> Bool { try row.decode(Bool.self) }
    }

    /// An account's spend and reservations.
    struct ReadAccount: ReadRow {
        static let name = "portcullis_limits_read_account"
        static let sql = "SELECT spent, reserved FROM limits_accounts WHERE key = $1"
        var id: ByteBuffer
    }

    /// Writes an account if the row still holds `held`; a row back when it did.
    struct SwapAccount: PostgresPreparedStatement {
        static let name = "portcullis_limits_swap_account"
        static let sql = """
            UPDATE limits_accounts SET spent = $1, reserved = $2 WHERE key = $3 AND spent = $4 AND reserved = $5 RETURNING true
            """
        var id: ByteBuffer
        var account: Account
        var held: Account

        func makeBindings() -> PostgresBindings {
            var b = PostgresBindings(capacity: 5)
            b.append(account.spent)
            b.append(account.reserved)
            b.append(id)
            b.append(held.spent)
            b.append(held.reserved)
            return b
        }

        func decodeRow(_ row: PostgresRow) throws -> Bool { try row.decode(Bool.self) }
    }
}

extension LimitsStatements.ReadRow {
    func makeBindings() -> PostgresBindings {
        var b = PostgresBindings(capacity: 1)
        b.append(id)
        return b
    }

    func decodeRow(_ row: PostgresRow) throws -> (Int64, Int64) { try row.decode((Int64, Int64).self) }
}
