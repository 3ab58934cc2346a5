/// Labelled samples shared by the detector, streaming and engine tests. Secret-looking values are
/// generated shapes (random characters in the documented format), not real credentials.
enum DetectorSamples {
    /// (value, category) pairs; each value is detected when embedded in ordinary prose.
    static let positives: [(String, String)] = [
        ("jane.doe+work@example-mail.co.uk", "pii.email"),
        ("+65 9123 4567", "pii.phone"),
        ("+852 2345 6789", "pii.phone"),
        ("(415) 555-2671", "pii.phone"),
        ("+44 20 7946 0958", "pii.phone"),
        ("+1-903-140-4508", "pii.phone"),
        ("4111 1111 1111 1111", "pii.credit_card"),
        ("5555555555554444", "pii.credit_card"),
        ("3782-822463-10005", "pii.credit_card"),
        ("GB82 WEST 1234 5698 7654 32", "pii.iban"),
        ("DE89370400440532013000", "pii.iban"),
        ("536-22-1547", "pii.us_ssn"),
        ("S1234567D", "pii.sg_nric"),
        ("T0123456G", "pii.sg_nric"),
        ("F2345678T", "pii.sg_nric"),
        ("G3456789T", "pii.sg_nric"),
        ("M4567890X", "pii.sg_nric"),
        ("A123456(3)", "pii.hk_id"),
        ("XA000001(6)", "pii.hk_id"),
        ("192.168.10.254", "pii.ip_address"),
        ("2001:db8:85a3::8a2e:370:7334", "pii.ip_address"),
        ("00:1A:2B:3C:4D:5E", "pii.mac_address"),
        ("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "pii.crypto_wallet"),
        ("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "pii.crypto_wallet"),
        ("0x52908400098527886E0F7030069857D2E4169EE7", "pii.crypto_wallet"),
        ("AKIAZ7QW3ERT5YUI2OPL", "secret.aws_access_key"),
        ("AIzaSyD7x9Qk2LmP4vR8tW1nB6cF3hJ5gK0sE2u", "secret.gcp_api_key"),
        ("ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5", "secret.github_token"),
        ("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", "secret.github_fine_grained_token"),
        ("glpat-Zk3Lm9Qp2Xv7Rt5Wn8Yb", "secret.gitlab_token"),
        ("xoxb-2345678901-3456789012-Zk3Lm9Qp2Xv7Rt5Wn8YbC4dF", "secret.slack_token"),
        ("https://hooks.slack.com/services/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", "secret.slack_webhook"),
        ("sk_live_51Hk3Lm9Qp2Xv7Rt5Wn8YbC4dF", "secret.stripe_key"),
        ("sk-proj-Zk3Lm9Qp2Xv7Rt5Wn8YbC4dF6gH1jK3mN5pQ7rS9tU1vW3xY5zA7bC9dE1fG3", "secret.openai_key"),
        ("sk-ant-api03-Zk3Lm9Qp2Xv7Rt5Wn8YbC4dF6gH1jK3mN5pQ7rS9tU1vW3xY5zA7bC9dE1fG3hJ5k7mN9pQ1rS3tU5vW7xY9zA1bC3dE5fG7AA", "secret.anthropic_key"),
        ("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", "secret.huggingface_token"),
        ("npm_Zk3Lm9Qp2Xv7Rt5Wn8YbC4dF6gH1jK3mN5pQ", "secret.npm_token"),
        ("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", "secret.sendgrid_key"),
        ("SK8f3a9c2e7b1d4f6a0c5e9b2d7f1a3c8e", "secret.twilio_key"),
        ("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", "secret.shopify_token"),
        ("dop_v1_8f3a9c2e7b1d4f6a0c5e9b2d7f1a3c8e8f3a9c2e7b1d4f6a0c5e9b2d7f1a3c8e", "secret.digitalocean_token"),
        ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkphbmUifQ.Zk3Lm9Qp2Xv7Rt5Wn8YbC4dF6gH1jK3mN5pQ7rS9tU1", "secret.jwt"),
        ("postgres://app:Xk9-mQ2v7pLw@db.internal:5432/orders", "secret.database_url"),
    ]

    /// Positives that need their context words (part of the sample).
    static let contextual: [(String, String, String)] = [
        // (text, category, value)
        ("Passport number: K12345678 expires soon", "pii.passport", "K12345678"),
        ("My date of birth is 14/07/1985.", "pii.date_of_birth", "14/07/1985"),
        ("Bank account number 12345678 at DBS", "pii.bank_account", "12345678"),
        ("SSN 536 22 1547 on file", "pii.us_ssn", "536 22 1547"),
        ("password = \"Tr0ub4dor&3x\"", "secret.password", "Tr0ub4dor&3x"),
        ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYzk3Lm9Qp2X", "secret.aws_secret_key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzk3Lm9Qp2X"),
        ("client_secret: 'q8Zk3Lm9Qp2Xv7Rt5Wn8YbC4dF6gH1jK'", "secret.generic", "q8Zk3Lm9Qp2Xv7Rt5Wn8YbC4dF6gH1jK"),
        ("Call me on 9472 7916 tonight", "pii.phone", "9472 7916"),
        ("HKID Z683365A on file", "pii.hk_id", "Z683365A"),
        ("https://admin:Hunter2pass9@internal.acme.io/login", "secret.url_credentials", "admin:Hunter2pass9"),
        ("mirror ftp://backup:Qx7-pL2m!v@files.acme.io/nightly", "secret.url_credentials", "backup:Qx7-pL2m!v"),
        ("smb://svc_print:W1nter#2031@fs01.corp.local/share", "secret.url_credentials", "svc_print:W1nter#2031"),
        ("Phone: 9123 4567", "pii.phone", "9123 4567"),
        ("Tel:+6591234567 (office)", "pii.phone", "+6591234567"),
        ("mysql -u root --password=OWceXzwPPkc ledger", "secret.password", "OWceXzwPPkc"),
        ("redis://cache:4xh2t*rs#WE9n@10.2.3.4:6379/0", "secret.database_url", "redis://cache:4xh2t*rs#WE9n@10.2.3.4:6379/0"),
        ("token eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6IjU5ZjIxNzMxNjc1MzNmYmIifQ.eyJzdWIiOiIxMjM0NTY3ODkwIiwiZXhwIjoxOTAwMDAwMDAwfQ.Zk3Lm9Qp2Xv7Rt5Wn8YbC4dF6gH1jK3mN5pQ7rS9tU1 ok", "secret.jwt",
         "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6IjU5ZjIxNzMxNjc1MzNmYmIifQ.eyJzdWIiOiIxMjM0NTY3ODkwIiwiZXhwIjoxOTAwMDAwMDAwfQ.Zk3Lm9Qp2Xv7Rt5Wn8YbC4dF6gH1jK3mN5pQ7rS9tU1"),
        ("T: 0412 888 023", "pii.phone", "0412 888 023"),
        ("Call 020 7946 0958 after six", "pii.phone", "020 7946 0958"),
    ]

    /// Texts that must produce no finding at the default threshold.
    static let negatives: [String] = [
        "Request id 123e4567-e89b-12d3-a456-426614174000 failed",
        "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "commit 2fd4e1c67a2d28fced849ee1bb76e7391b93eb12",
        "Upgrade to version 1.2.3.4 or 10.0.0-beta",
        "The build finished at 2024-03-05 12:30:45 UTC",
        "Card 4111 1111 1111 1112 was declined",  // bad Luhn
        "IBAN GB82 WEST 1234 5698 7654 33",  // bad mod-97
        "NRIC S1234567A is wrong",  // bad check letter
        "HKID A123456(4) is wrong",  // bad check digit
        "SSN 000-12-3456 and 666-12-3456 and 912-34-5678",
        "Use AKIAIOSFODNN7EXAMPLE in the docs",
        "token ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "api_key: <YOUR_KEY>",
        "password = ${DB_PASSWORD}",
        "password: string",
        "The order total was 1234567 dollars",
        "Timestamp 1700000000000 in ms",
        "std::vector<int> and a::b",
        "At 12:30:45 the meeting started",
        "Released in 2019 2020 and 2021",
        "postgres://user:password@localhost/db",
        "sk_test_xxxxxxxxxxxxxxxxxxxxxxxx",
        "Use -----BEGIN PRIVATE KEY----- ... -----END PRIVATE KEY----- markers",
        // Digit groups that are not phone numbers without a phone word near them.
        "Part no. 4021-7789 is out of stock",
        "It failed with error 5003 1234 again",
        "Book Room 2301-2305 for the offsite",
        "Reference 0412 888 023 in the ledger",
        "Scores were 0.49927 0.27008 and 0.5",
        "3747 3911 Fourth Avenue",
        "Ratio 1234.5678 on the chart",
        // NANP numbers reserved for fiction.
        "In the film she says call 555-0100 or (212) 555-0187",
        // Code-shaped strings that pass a check digit by chance, without an identity-card word.
        "SKU AB1234569 restocked",
        // A dotted card-like number is neither a MAC address nor (bad issuer) a card.
        "Ref 0181.5908.3012.3456 attached",
        "Order 1234.5678.9012 shipped",
        // Published documentation keys.
        "Stripe's docs use sk_test_4eC39HqLyjWDarjtT1zdp7dc in every sample",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
        "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
        // URLs with a user but no real password.
        "ssh to git://deploy@build.internal/repo.git",
        "https://user:password@example.com and ftp://anonymous:****@mirror.example.org",
        // Hashes, ids and versions.
        "image sha256:5883d56386a09488a2054c2379b80883d4f5cd33e330448afa5f2fa36a27f30e pulled",
        "tx 0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060 confirmed",
        "Windows 10.0.19041.1415 and build 22631.3007",
        // Found while writing the independent fixtures (scripts/guardrails_independent.py, development seeds).
        "Retina assets icon@2x.png and logo@3x.svg",
        "IMEI 351012958406795 registered",  // Luhn-valid, but an IMEI
        "Card number 6293 7426 5649 3972 was declined",  // bad Luhn; its 12-digit prefix must not stand in
        "int32 ranges from -2147483648 to +2147483647",  // no country code 214
        "app.run(host='0.0.0.0', port=5000)",
    ]

    static let pemKey = """
        -----BEGIN RSA PRIVATE KEY-----
        MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun
        VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK
        LxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo
        -----END RSA PRIVATE KEY-----
        """
}
