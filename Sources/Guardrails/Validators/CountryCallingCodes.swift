/// ITU-T E.164 country calling codes in service (one to three digits; codes are prefix-free), so
/// `+2147483647` (no country 21x… starts 214) is not read as a phone number. From the ITU's list of
/// assigned codes; spare and reserved codes are left out.
enum CountryCallingCodes {
    static let assigned: Set<Int> = {
        var codes: Set<Int> = [
            1, 7, 20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 51, 52, 53, 54, 55, 56, 57, 58,
            60, 61, 62, 63, 64, 65, 66, 81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 98,
            211, 212, 213, 216, 218, 290, 291, 297, 298, 299, 385, 386, 387, 389, 420, 421, 423, 670, 800, 808, 850, 852,
            853, 855, 856, 870, 878, 880, 881, 882, 883, 886, 888, 979,
        ]
        for range in [220...258, 260...269, 350...359, 370...383, 500...509, 590...599, 672...683, 685...692, 960...968, 970...977, 992...998] {
            codes.formUnion(range)
        }
        return codes
    }()

    /// True when `digits` (the number after `+`) starts with an assigned country code.
    static func isAssigned(_ digits: [Int]) -> Bool {
        var code = 0
        for d in digits.prefix(3) {
            code = code * 10 + d
            if assigned.contains(code) { return true }
        }
        return false
    }
}
