/// Date plausibility for date-of-birth candidates (numeric or with an English month name).
enum CalendarDate {
    private static let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    static func isPlausibleBirthDate(_ text: Substring) -> Bool {
        let lower = text.lowercased()
        let numbers = lower.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        if let monthIndex = monthNames.firstIndex(where: { lower.contains($0) }) {
            guard numbers.count == 2 else { return false }
            let day = numbers[0] > 31 ? numbers[1] : numbers[0]
            let year = numbers[0] > 31 ? numbers[0] : numbers[1]
            return valid(day: day, month: monthIndex + 1, year: year)
        }
        guard numbers.count == 3 else { return false }
        if numbers[0] >= 1000 { return valid(day: numbers[2], month: numbers[1], year: numbers[0]) }
        var year = numbers[2]
        if year < 100 { year += year > 30 ? 1900 : 2000 }
        // Day-first or month-first: either reading may be the intended one.
        return valid(day: numbers[0], month: numbers[1], year: year) || valid(day: numbers[1], month: numbers[0], year: year)
    }

    static func valid(day: Int, month: Int, year: Int) -> Bool {
        guard (1900...2100).contains(year), (1...12).contains(month), day >= 1 else { return false }
        let days = [31, year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= days[month - 1]
    }
}
