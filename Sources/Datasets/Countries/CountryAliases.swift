/// Names the study's sources use for countries whose canonical (Natural Earth admin) name differs.
enum CountryAliases {
    /// alias → canonical name.
    static let names: [(String, String)] = [
        // GlobalOpinionsQA labels (Pew and WVS spellings)
        ("Britain", "United Kingdom"), ("Great Britain", "United Kingdom"),
        ("S. Korea", "South Korea"),
        ("Czech Rep.", "Czech Republic"), ("Czechia", "Czech Republic"),
        ("Palest. ter.", "Palestine"),
        ("S. Africa", "South Africa"),
        ("Bosnia Herzegovina", "Bosnia and Herzegovina"),
        ("Hong Kong SAR", "Hong Kong S.A.R."),
        ("Macau SAR", "Macao S.A.R"),
        ("North Macedonia", "Macedonia"),
        ("Serbia", "Republic of Serbia"),
        ("Taiwan ROC", "Taiwan"),
        ("Tanzania", "United Republic of Tanzania"),
        ("United States", "United States of America"),
        // Gallup and everyday spellings
        ("The Palestinian Authority", "Palestine"), ("Palestinian Territories", "Palestine"),
        ("USA", "United States of America"), ("US", "United States of America"), ("U.S.", "United States of America"),
        ("America", "United States of America"),
        ("UK", "United Kingdom"), ("U.K.", "United Kingdom"),
        ("Russian Federation", "Russia"),
        ("Korea", "South Korea"), ("Republic of Korea", "South Korea"),
        ("DPRK", "North Korea"),
        ("Côte d'Ivoire", "Ivory Coast"), ("Cote d'Ivoire", "Ivory Coast"),
        ("Bahamas", "The Bahamas"),
        ("Eswatini", "Swaziland"),
        ("Türkiye", "Turkey"),
        ("Burma", "Myanmar"),
        ("Cabo Verde", "Cape Verde"),
        ("Timor-Leste", "East Timor"),
        ("Vatican City", "Vatican"), ("Holy See", "Vatican"),
        ("Republic of the Congo", "Republic of Congo"), ("Congo-Brazzaville", "Republic of Congo"),
        ("DR Congo", "Democratic Republic of the Congo"), ("DRC", "Democratic Republic of the Congo"),
        ("Guinea-Bissau", "Guinea Bissau"),
        ("Macau", "Macao S.A.R"), ("Macao", "Macao S.A.R"), ("Hong Kong", "Hong Kong S.A.R."),
        ("Tanzania, United Republic of", "United Republic of Tanzania"),
    ]

    /// Labels that stand for part of a country: label, canonical country, region.
    static let regions: [(String, String, String)] = [
        ("Northern Ireland", "United Kingdom", "Northern Ireland"),
    ]
}
