/// Top-level domains an e-mail address can end in: every two-letter country code (any two ASCII
/// letters), internationalised TLDs (letters of any script, or `xn--` punycode), and the generic TLDs of
/// three or more letters in the IANA root zone that mail is actually sent to (legacy, sponsored and the
/// common new gTLDs). A "TLD" outside this list (`icon@2x.png`, `pkg@1.2.svg`, `a@b.local`) is a file
/// name, a version or a private name, not an address. Hand-written subset of the root zone database:
/// no package in the mirror ships the list.
enum TopLevelDomains {
    static func isMailTLD(_ tld: Substring) -> Bool {
        if tld.utf8.contains(where: { $0 >= 0x80 }) { return tld.allSatisfy(\.isLetter) }
        let lower = tld.lowercased()
        if lower.hasPrefix("xn--") { return lower.count > 4 }
        guard lower.utf8.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) else { return false }
        return lower.count == 2 || generic.contains(lower)
    }

    static let generic: Set<String> = [
        // Legacy, sponsored and infrastructure
        "com", "net", "org", "edu", "gov", "mil", "int", "info", "biz", "name", "pro", "aero", "coop", "museum", "mobi",
        "asia", "tel", "travel", "jobs", "cat", "post",
        // Common new gTLDs (2012 round and later)
        "app", "dev", "page", "cloud", "online", "site", "store", "shop", "tech", "xyz", "top", "club", "live", "life",
        "world", "today", "news", "blog", "email", "link", "click", "website", "space", "digital", "media", "agency",
        "studio", "design", "art", "photo", "photography", "network", "systems", "solutions", "services", "support",
        "company", "group", "global", "international", "center", "centre", "capital", "finance", "financial", "fund",
        "money", "bank", "insurance", "investments", "ventures", "partners", "holdings", "consulting", "management",
        "marketing", "legal", "law", "lawyer", "attorney", "health", "care", "clinic", "hospital", "dental", "doctor",
        "university", "school", "academy", "college", "education", "institute", "training", "science", "technology",
        "engineering", "software", "computer", "data", "security", "tools", "codes", "games", "video", "music", "radio",
        "cafe", "restaurant", "bar", "pizza", "food", "kitchen", "wine", "coffee", "fashion", "clothing", "jewelry",
        "beauty", "fitness", "golf", "football", "sport", "auto", "cars", "taxi", "tours", "flights", "hotel", "hotels",
        "vacations", "holiday", "rentals", "realestate", "realty", "properties", "property", "house", "homes", "land",
        "estate", "builders", "construction", "contractors", "energy", "green", "eco", "farm", "garden", "earth", "city",
        "town", "country", "place", "one", "win", "vip", "best", "plus", "expert", "guru", "ninja", "rocks", "cool",
        "fun", "fan", "family", "kids", "social", "chat", "community", "forum", "wiki", "help", "guide", "tips", "review",
        "reviews", "press", "events", "tickets", "party", "wedding", "gift", "gifts", "flowers", "deals", "sale",
        "discount", "exchange", "market", "markets", "trade", "trading", "tax", "accountant", "accountants", "credit",
        "creditcard", "loans", "mortgage", "cash", "pay", "claims", "lease", "charity", "foundation", "ngo", "church",
        "works", "work", "careers", "career", "zone", "team", "host", "hosting", "server", "domains", "biz", "ltd",
        "inc", "llc", "gmbh", "llp", "corp", "limited", "enterprises", "industries", "express", "direct", "solar",
        "moe", "tokyo", "london", "nyc", "paris", "berlin", "amsterdam", "sydney", "melbourne", "quebec", "wien",
        "swiss", "africa", "lat", "arab", "kiwi", "scot", "wales", "bzh", "eus", "gal", "barcelona", "madrid", "istanbul",
        "zip", "mov", "foo", "new", "how", "soy", "meme", "phd", "prof", "esq", "boo", "day", "ing", "rsvp", "youtube",
        "google", "gmail", "apple", "microsoft", "amazon", "aws", "azure", "office", "bing", "hsbc", "citi", "barclays",
        "ubs", "axa", "allianz", "bnpparibas", "sbi", "dbs", "ocbc", "uob", "citic", "icbc", "bloomberg", "reuters",
    ]
}
