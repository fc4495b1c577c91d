using Forward.Domain.Hubs;
using static Forward.Data.Seeding.Rotas;
using static Forward.Domain.Hubs.ClinicianRole;
using static Forward.Domain.Hubs.DeliveryMode;

namespace Forward.Data.Seeding;

/// <summary>
/// The reference data Forward seeds, as data. Everything stated in the seed plans carries its source as
/// "seed-file:line(s)" (see shared/reference/organisations-and-hubs.md). Where the plans are silent the value is
/// synthetic and says so; where they conflict the choice is noted next to it.
/// </summary>
public static class SeedCatalogue
{
    private const string Beds = "000_dc1595fd4288bcbf.txt";
    private const string BedsOsc = "001_61c5355b8b845d77.txt";
    private const string Worcs = "002_bdc0b29b92000165.txt";
    private const string Beds1920 = "003_63493e08af38e3b9.txt";
    private const string Llr = "004_4f7540b48b69d82d.txt";

    /// <summary>The earliest ValidFrom any seeded session has: the start of 2017/18, the first year of the plans.</summary>
    public static readonly DateOnly PlanStart = new(2017, 4, 1);

    public static readonly IReadOnlyList<CareSystemSeed> CareSystems =
    [
        new("BLMK", "Bedfordshire, Luton and Milton Keynes", $"{Beds}:86,90,92,244,246; {Beds1920}:43,58,75,81"),
        new("HW", "Herefordshire and Worcestershire", $"{Worcs}:135,137,210,218"),
        new("LLR", "Leicester, Leicestershire and Rutland", $"{Llr}:7,108,200,208"),
    ];

    /// <summary>
    /// CCGs with their real ODS codes. Populations: Bedfordshire is stated three ways (450,000 at 003:128, 467,000 at
    /// 000:246, 433,000 at 000:376): the newest, 450,000, is used. Worcestershire gives only the county total (575,000,
    /// 002:135); its split across the three CCGs is synthetic. LLR's per-CCG figures add up to the 004:208 table total of
    /// 1,075,000, not the 1,061,800 stated at 004:108; the per-CCG figures are kept.
    /// </summary>
    public static readonly IReadOnlyList<CcgSeed> Ccgs =
    [
        new("BED", "06F", "NHS Bedfordshire CCG", "BLMK", 450_000, "E81",
            new(Gms: 42, Pms: 8, Apms: 4, SystmOne: 54, EmisWeb: 0, $"contracts synthetic (GMS and APMS both stated, {Beds}:285,470); \"All practices in our area use SystmOne\", {Beds}:555"),
            $"{Beds1920}:128 (also 467,000 at {Beds}:246 and 433,000 at {Beds}:376); 54 practices in the locality rows, {Beds}:302-306 (53 at {Beds}:289)"),
        new("LUT", "06P", "NHS Luton CCG", "BLMK", 230_000, "E82",
            new(Gms: 21, Pms: 4, Apms: 3, SystmOne: 20, EmisWeb: 8, "synthetic: not stated"),
            $"{Beds}:246,289,302-305"),
        new("MK", "04F", "NHS Milton Keynes CCG", "BLMK", 290_450, "K83",
            new(Gms: 19, Pms: 5, Apms: 3, SystmOne: 14, EmisWeb: 13, "synthetic: not stated"),
            $"{Beds}:246,289,302-305"),
        new("SWO", "05T", "NHS South Worcestershire CCG", "HW", 295_000, "M81",
            new(Gms: 22, Pms: 9, Apms: 1, SystmOne: 0, EmisWeb: 32, $"contracts synthetic (PMS premium stated, {Worcs}:155); EMIS Web across Worcestershire, {Worcs}:652-656"),
            $"population synthetic: share of the county's 575,000 ({Worcs}:135); 32 practices, {Worcs}:85,157,257,327,344"),
        new("RB", "05L", "NHS Redditch and Bromsgrove CCG", "HW", 180_000, "M82",
            new(Gms: 15, Pms: 6, Apms: 1, SystmOne: 0, EmisWeb: 22, $"contracts synthetic; EMIS Web across Worcestershire, {Worcs}:652-656"),
            $"population synthetic: share of the county's 575,000 ({Worcs}:135); 22 practices, {Worcs}:85,257,388,402-403"),
        new("WF", "06D", "NHS Wyre Forest CCG", "HW", 100_000, "M83",
            new(Gms: 8, Pms: 3, Apms: 0, SystmOne: 0, EmisWeb: 11, $"contracts synthetic; EMIS Web across Worcestershire, {Worcs}:652-656"),
            $"population synthetic: share of the county's 575,000 ({Worcs}:135); 11 practices = the Wyre Forest Federation's members, {Worcs}:145"),
        new("ELR", "03W", "NHS East Leicestershire and Rutland CCG", "LLR", 325_000, "C82",
            new(Gms: 31, Pms: 0, Apms: 0, SystmOne: 18, EmisWeb: 13, $"{Llr}:205 (GMS 31); 13 EMIS at {Llr}:215 (its \"20 Systm1\" makes 33, so 18 = the county's 48 SystmOne at {Llr}:1084 less West's 30)"),
            $"{Llr}:204-205,210,369"),
        new("WL", "04V", "NHS West Leicestershire CCG", "LLR", 374_000, "C83",
            new(Gms: 48, Pms: 0, Apms: 0, SystmOne: 30, EmisWeb: 18, $"{Llr}:206,219-220"),
            $"{Llr}:204,206,210,381,385"),
        new("LC", "04C", "NHS Leicester City CCG", "LLR", 376_000, "C84",
            new(Gms: 45, Pms: 1, Apms: 13, SystmOne: 58, EmisWeb: 1, $"{Llr}:207,223-224,1084"),
            $"{Llr}:204,207,210 (59 practices; \"4/58\" at {Llr}:244)"),
    ];

    /// <summary>
    /// Localities and named clusters. Practice counts are as stated unless marked; every population is synthetic (the
    /// seeds give none below CCG level), roughly in proportion to practice counts and chosen so that each splits into
    /// clusters of 30,000–50,000.
    /// </summary>
    public static readonly IReadOnlyList<LocalitySeed> Localities =
    [
        // Bedfordshire: five localities, also listed as the "GP Clusters" (000:302-306); clusters of 30-50,000 are forming inside them (000:464).
        new("BED", "BEDF", "Bedford", 25, 208_000, true, $"{Beds}:302,370,464 (25 practices, \"24 from July 2017\")",
            NamedPractices: ["Shortstown Surgery"]),
        new("BED", "IVEL", "Ivel Valley", 9, 75_000, true, $"{Beds}:303,370"),
        new("BED", "CHVA", "Chiltern Vale", 10, 84_000, true, $"{Beds}:304,370,1265"),
        new("BED", "WMB", "West Mid Beds", 6, 49_000, true, $"{Beds}:305,370,1265"),
        new("BED", "LB", "Leighton Buzzard", 4, 34_000, true, $"{Beds}:306,370"),

        // Luton: four named GP clusters (000:302-305). 230,000 cannot fit four clusters of at most 50,000, so the larger ones split.
        new("LUT", "MU", "Medics United", 5, 40_000, true, $"{Beds}:302"),
        new("LUT", "LS", "Larkside", 8, 64_000, true, $"{Beds}:303",
            NamedPractices: ["Lea Vale Medical Group"]),
        new("LUT", "SEL", "South E Luton", 7, 61_000, true, $"{Beds}:304"),
        new("LUT", "KW", "Kingsway", 8, 65_000, true, $"{Beds}:305"),

        // Milton Keynes: four named GP clusters (000:302-305), each above 50,000 so each splits in two.
        new("MK", "N", "North", 7, 75_450, true, $"{Beds}:302", "MK North",
            NamedPractices: ["Newport Pagnell Medical Centre"]),
        new("MK", "E", "East", 7, 75_000, true, $"{Beds}:303", "MK East"),
        new("MK", "S", "Southern", 7, 75_000, true, $"{Beds}:304", "MK Southern"),
        new("MK", "W", "West", 6, 65_000, true, $"{Beds}:305", "MK West"),

        // South Worcestershire: 32 practices (002:85); localities named after its four locality access hubs (002:342-351); split synthetic.
        new("SWO", "WORC", "Worcester City", 11, 105_000, false, $"{Worcs}:342-351 (locality from the hub's name; practice count synthetic)",
            NamedPractices: ["Farrier House"]),
        new("SWO", "MALV", "Malvern", 7, 65_000, false, $"{Worcs}:342-351 (locality from the hub's name; practice count synthetic)",
            NamedPractices: ["Link End Surgery"]),
        new("SWO", "DROI", "Droitwich", 6, 48_000, false, $"{Worcs}:342-351 (locality from the hub's name; practice count synthetic)"),
        new("SWO", "EVES", "Evesham", 8, 77_000, false, $"{Worcs}:342-351,617-618 (locality from the hub's name; practice count synthetic)",
            NamedPractices: ["DeMontfort Medical Centre", "Barn Close Surgery"]),

        // Redditch and Bromsgrove: 22 practices; the Redditch hub serves 13 and the Bromsgrove hub 9 (002:402-403).
        new("RB", "REDD", "Redditch", 13, 106_000, false, $"{Worcs}:402,532-555",
            NamedPractices: ["Maple View Surgery", "Winyates Health Centre", "Crabbs Cross Surgery", "Ridgeway Surgery", "Woodrow Surgery", "Dow Surgery", "The Bridge Surgery", "St Stephen's Surgery"]),
        new("RB", "BROM", "Bromsgrove", 9, 74_000, false, $"{Worcs}:403,532-555",
            NamedPractices: ["Churchfields Surgery", "St John's Surgery", "New Road Surgery", "Catshill Surgery", "Barnt Green Surgery"]),

        // Wyre Forest: 11 Federation practices, "inclusive of a 6 practice super partnership" (002:145), the Health Partnership
        // served by Bewdley; the other 5 by Hume Street/Northumberland House (002:432-433). Which place is which practice: synthetic.
        new("WF", "HP", "Health Partnership", 6, 50_000, false, $"{Worcs}:145,432,899"),
        new("WF", "FED", "Wyre Forest Federation (other practices)", 5, 50_000, false, $"{Worcs}:145,433",
            "Wyre Forest Federation",
            NamedPractices: ["Kidderminster Medical Centre", "Stourport Medical Centre"]),

        // East Leicestershire and Rutland: "the four ELR localities (B&L, Melton/Syston, Market Harborough, O&W)" (004:369).
        // Practices per locality synthetic (31 in all). The separate "Rutland Locality" (004:370) is not modelled apart.
        new("ELR", "BL", "B&L", 8, 84_000, false, $"{Llr}:369"),
        new("ELR", "MS", "Melton/Syston", 8, 84_000, false, $"{Llr}:369"),
        new("ELR", "MH", "Market Harborough", 7, 73_000, false, $"{Llr}:369"),
        new("ELR", "OW", "O&W", 8, 84_000, false, $"{Llr}:369,1259",
            NamedPractices: ["Central Surgery Oadby"]),

        // West Leicestershire: four localities "coterminous" with four federations (004:332-335,381,385); named after them.
        new("WL", "NC", "North Charnwood", 12, 94_000, false, $"{Llr}:332,381,385 (locality named after its federation; practice count synthetic)"),
        new("WL", "SC", "South Charnwood", 11, 86_000, false, $"{Llr}:335,381,385 (locality named after its federation; practice count synthetic)"),
        new("WL", "HB", "Hinckley and Bosworth", 13, 101_000, false, $"{Llr}:333,381,385 (locality named after its federation; practice count synthetic)"),
        new("WL", "NWL", "North West Leicestershire", 12, 93_000, false, $"{Llr}:334,381,385 (locality named after its federation; practice count synthetic)"),

        // Leicester City: Health Needs Neighbourhoods, number and names not stated (004:402). LLR has 11 localities (004:402);
        // 11 - 4 (ELR) - 4 (WL) = 3 is this catalogue's reading. Names and practice counts synthetic.
        new("LC", "N", "City North", 20, 128_000, false, $"synthetic: Health Needs Neighbourhoods not named, {Llr}:402",
            NamedPractices: ["Belgrave Medical Centre"]),
        new("LC", "E", "City East", 20, 127_000, false, $"synthetic: Health Needs Neighbourhoods not named, {Llr}:402"),
        new("LC", "SW", "City South and West", 19, 121_000, false, $"synthetic: Health Needs Neighbourhoods not named, {Llr}:402",
            NamedPractices: ["Saffron Health"]),
    ];

    private const string NotStated = "Not stated in the seeds.";
    private const string StandardHours = "Seeded rota (synthetic): weekdays 18:30–20:00, Saturday 09:00–13:00, Sunday 10:00–12:00.";
    private const string RandBHours = "\"Monday to Friday 6.30-8pm additional appointments mainly pre-bookable across both sites\"; \"weekends, demand led\". Weekend times not stated: seeded Saturday 09:00–13:00, Sunday 10:00–12:00 (synthetic).";
    private const string WyreForestHours = "\"Monday to Friday 6.30-8pm additional appointments mainly pre-bookable across both sites (18/19)\"; \"weekends, demand led\". Weekend times not stated: seeded Saturday 09:00–13:00, Sunday 10:00–12:00 (synthetic).";
    private const string ElrSpokeHours = "\"5-9 pm weekdays\"; the weekend hours are cut off in the plan (\"and 9-\"): seeded Saturday and Sunday 09:00–13:00 (end time synthetic). Nurse-led evening and weekend access (004:678).";
    private const string LcTierOneHours = "\"6.30pm to 10pm Monday to Friday, and 12 noon to 8pm weekends and Bank Holidays\"; appointments \"same day or up to 48 hours in advance\".";

    private static readonly DateOnly LutonGoLive = new(2018, 4, 1); // Luton's access money starts in 2018/19 (000:219-221).
    private static readonly DateOnly BedfordshireGoLive = new(2019, 1, 1); // "100% extended access coverage operational" Q4 2018/19 (000:1039).
    private static readonly DateOnly RedditchBromsgroveGoLive = new(2018, 10, 1); // "from October 2018" (002:398).
    private static readonly DateOnly WyreForestGoLive = new(2019, 3, 1); // "Extended Access from March 2019" (002:430).
    private static readonly DateOnly LeicesterCityGoLive = new(2017, 10, 1); // new provider "from 1 October 2017" (004:660).

    private const SessionDays Weekdays = SessionDays.Weekdays;
    private const SessionDays EveryDay = SessionDays.Weekdays | SessionDays.Weekends;
    private const SessionDays WeekendsAndBankHolidays = SessionDays.Weekends | SessionDays.BankHolidays;

    /// <summary>
    /// How far ahead a CCG's hubs take bookings, by CCG key, where the seeds say: only Leicester City's, "same day or up to
    /// 48 hours in advance" through the practice, NHS 111 or the hub's own number (004:668; reference R-LLR-10).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, int> BookingWindowHours = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["LC"] = 48,
    };

    /// <summary>
    /// The hubs. Codes are the row ids of organisations-and-hubs.md §2.1; "-X" codes are synthetic hubs for Luton and Milton
    /// Keynes, where the seeds name none. Hubs with 24-hour or 8–8 hours get bookable sessions for part of the day only.
    /// A site or town the seeds do not state is null, and the hub's source says so: messages to patients carry what is
    /// known of an address, never a note that it is not.
    /// </summary>
    public static readonly IReadOnlyList<HubSeed> Hubs =
    [
        // ---- Bedfordshire (000, 001, 003). No hours stated for any hub except Bedford South's planned "24-hour".
        new("BED-H03", "Bedford (North) Hub", "Gilbert Hitchcock House", "Bedford", "BED", HubTier.PrimaryCareHub,
            $"{NotStated} Interim hub at Gilbert Hitchcock House (\"Q3-4, 2017/18\"). {StandardHours}", true, BedfordshireGoLive,
            $"{Beds}:1387,1391,1505-1506; {BedsOsc}:268-269,333; {Beds1920}:440",
            ["BEDF-1"], Standard(RotaSize.Small)), // an interim hub for "five practices" (000:1391): one synthetic cluster of Bedford's
        new("BED-H01", "Bedford South Hub", "Bedford Hospital site", "Bedford", "BED", HubTier.PrimaryCareHub,
            "Planned \"24-hour Primary Care Access Hub\" on the Bedford Hospital site. Bookable extended-access sessions are seeded for the evening and weekend part only: weekdays 18:30–22:00, Saturday and Sunday 08:00–20:00.",
            false, BedfordshireGoLive, $"{Beds}:343,580,950-952,1387,1515,1688",
            ["BEDF"],
            [
                // Two GPs and longer weekend slots (synthetic): the hub serves the whole Bedford locality, all but five of its
                // practices alone, so it offers at least 30 minutes a week per 1,000 of their patients.
                Session("Evening GP clinic", Weekdays, At(18, 30), At(22), GeneralPractitioner, FaceToFace, 15, 2),
                Session("Evening GP telephone clinic", Weekdays, At(18, 30), At(22), GeneralPractitioner, Telephone, 15),
                Session("Weekend GP clinic", SessionDays.Weekends, At(8), At(20), GeneralPractitioner, FaceToFace, 20, 2),
                Session("Weekend nurse practitioner clinic", SessionDays.Weekends, At(8), At(14), AdvancedNursePractitioner, FaceToFace, 20),
            ]),
        new("BED-H04", "Dunstable Hub", null, "Dunstable", "BED", HubTier.PrimaryCareHub,
            $"{NotStated} {StandardHours}", true, BedfordshireGoLive,
            $"{Beds}:1379,1387,1391,1507; {BedsOsc}:268-273,333; {Beds1920}:440 (serving Chiltern Vale: synthetic); site not stated in the seeds",
            ["CHVA"], Standard(RotaSize.Large)),
        new("BED-H05", "Biggleswade Hub", null, "Biggleswade", "BED", HubTier.PrimaryCareHub,
            $"{NotStated} {StandardHours}", true, BedfordshireGoLive,
            $"{Beds}:1387,1391,1508; {BedsOsc}:268-273,333 (serving Ivel Valley: synthetic); site not stated in the seeds",
            ["IVEL"], Standard(RotaSize.Medium)),
        new("BED-H07", "Leighton Buzzard Hub", null, "Leighton Buzzard", "BED", HubTier.PrimaryCareHub,
            $"{NotStated} {StandardHours}", true, BedfordshireGoLive,
            $"{Beds}:1393,1513; {Beds1920}:440; site not stated in the seeds",
            ["LB"], Standard(RotaSize.Small)),
        new("BED-H09", "West Mid Beds Hub", null, null, "BED", HubTier.PrimaryCareHub,
            $"{NotStated} {StandardHours}", true, BedfordshireGoLive,
            $"{Beds1920}:440; site and town not stated in the seeds (West Mid Beds locality)",
            ["WMB"], Standard(RotaSize.Small)),

        // ---- Luton and Milton Keynes: no hub in the seeds; one synthetic hub per named GP cluster.
        new("LUT-X01", "Luton Medics United Extended Access Hub (synthetic)", null, "Luton", "LUT", HubTier.PrimaryCareHub,
            $"{NotStated} {StandardHours}", true, LutonGoLive, $"synthetic: no Luton hub in the seeds; cluster {Beds}:302; site not named (synthetic hub)", ["MU"], Standard(RotaSize.Small)),
        new("LUT-X02", "Luton Larkside Extended Access Hub (synthetic)", null, "Luton", "LUT", HubTier.PrimaryCareHub,
            $"{NotStated} {StandardHours}", true, LutonGoLive, $"synthetic: no Luton hub in the seeds; cluster {Beds}:303; site not named (synthetic hub)", ["LS"], Standard(RotaSize.Medium)),
        new("LUT-X03", "Luton South E Luton Extended Access Hub (synthetic)", null, "Luton", "LUT", HubTier.PrimaryCareHub,
            $"{NotStated} {StandardHours}", true, LutonGoLive, $"synthetic: no Luton hub in the seeds; cluster {Beds}:304; site not named (synthetic hub)", ["SEL"], Standard(RotaSize.Medium)),
        new("LUT-X04", "Luton Kingsway Extended Access Hub (synthetic)", null, "Luton", "LUT", HubTier.PrimaryCareHub,
            $"{NotStated} {StandardHours}", true, LutonGoLive, $"synthetic: no Luton hub in the seeds; cluster {Beds}:305; site not named (synthetic hub)", ["KW"], Standard(RotaSize.Medium)),
        new("MK-X01", "Milton Keynes North Extended Access Hub (synthetic)", null, "Milton Keynes", "MK", HubTier.PrimaryCareHub,
            $"{NotStated} {StandardHours}", true, PlanStart, $"synthetic: no Milton Keynes hub in the seeds; cluster {Beds}:302; site not named (synthetic hub)", ["N"], Standard(RotaSize.Medium)),
        new("MK-X02", "Milton Keynes East Extended Access Hub (synthetic)", null, "Milton Keynes", "MK", HubTier.PrimaryCareHub,
            $"{NotStated} {StandardHours}", true, PlanStart, $"synthetic: no Milton Keynes hub in the seeds; cluster {Beds}:303; site not named (synthetic hub)", ["E"], Standard(RotaSize.Medium)),
        new("MK-X03", "Milton Keynes Southern Extended Access Hub (synthetic)", null, "Milton Keynes", "MK", HubTier.PrimaryCareHub,
            $"{NotStated} {StandardHours}", true, PlanStart, $"synthetic: no Milton Keynes hub in the seeds; cluster {Beds}:304; site not named (synthetic hub)", ["S"], Standard(RotaSize.Medium)),
        new("MK-X04", "Milton Keynes West Extended Access Hub (synthetic)", null, "Milton Keynes", "MK", HubTier.PrimaryCareHub,
            $"{NotStated} {StandardHours}", true, PlanStart, $"synthetic: no Milton Keynes hub in the seeds; cluster {Beds}:305; site not named (synthetic hub)", ["W"], Standard(RotaSize.Medium)),

        // ---- South Worcestershire: four locality access hubs, delivery from "1 April 17" (002:368); hours not stated.
        new("WOR-H04", "Worcester City Locality Access Hub", null, "Worcester", "SWO", HubTier.PrimaryCareHub,
            $"{NotStated} {StandardHours} Mostly remote, after the 70:30 telephone to face-to-face split (002:362).", true, PlanStart,
            $"{Worcs}:338,342-351,355-362,368; site not stated (a community hospital or medical centre)", ["WORC"], Standard(RotaSize.Large, RotaStyle.RemoteFirst)),
        new("WOR-H01", "Malvern Locality Access Hub", null, "Malvern", "SWO", HubTier.PrimaryCareHub,
            $"{NotStated} {StandardHours} Mostly remote, after the 70:30 telephone to face-to-face split (002:362).", true, PlanStart,
            $"{Worcs}:338,342-351,355-362,368; site not stated (a community hospital or medical centre)", ["MALV"], Standard(RotaSize.Medium, RotaStyle.RemoteFirst)),
        new("WOR-H02", "Droitwich Locality Access Hub", null, "Droitwich", "SWO", HubTier.PrimaryCareHub,
            $"{NotStated} {StandardHours} Mostly remote, after the 70:30 telephone to face-to-face split (002:362).", true, PlanStart,
            $"{Worcs}:338,342-351,355-362,368; site not stated (a community hospital or medical centre)", ["DROI"], Standard(RotaSize.Small, RotaStyle.RemoteFirst)),
        new("WOR-H03", "Evesham Locality Access Hub", null, "Evesham", "SWO", HubTier.PrimaryCareHub,
            $"{NotStated} {StandardHours} Mostly remote, after the 70:30 telephone to face-to-face split (002:362).", true, PlanStart,
            $"{Worcs}:338,342-351,355-362,368; site not stated (a community hospital or medical centre)", ["EVES"], Standard(RotaSize.Medium, RotaStyle.RemoteFirst)),

        // ---- Redditch and Bromsgrove (002:398-417).
        new("WOR-H07", "Redditch Hub", "Maple View Surgery", "Redditch", "RB", HubTier.PrimaryCareHub,
            RandBHours, true, RedditchBromsgroveGoLive, $"{Worcs}:398-417,555 (\"on behalf of 13 GP practices\")",
            ["REDD"], Standard(RotaSize.Large)),
        new("WOR-H08", "Bromsgrove Hub", "Churchfields and St John's Surgeries, BHI building", "Bromsgrove", "RB", HubTier.PrimaryCareHub,
            RandBHours, true, RedditchBromsgroveGoLive, $"{Worcs}:398-417,537,551 (\"on behalf of 9 GP practices\")",
            ["BROM"], Standard(RotaSize.Medium)),

        // ---- Wyre Forest (002:430-443).
        new("WOR-H09", "Bewdley Hub", null, "Bewdley", "WF", HubTier.PrimaryCareHub,
            $"{WyreForestHours} ANP first, GP always on hand (002:432).", true, WyreForestGoLive, $"{Worcs}:430-443 (the Health Partnership's 6 practices); site not stated (\"a likely site for the Health Partnership\")",
            ["HP"], Standard(RotaSize.Medium, RotaStyle.AnpLed)),
        new("WOR-H10", "Hume Street/Northumberland House Hub", "Hume Street/Northumberland House", null, "WF", HubTier.PrimaryCareHub,
            WyreForestHours, true, WyreForestGoLive, $"{Worcs}:430-443 (\"other practices in Wyre Forest as part of the Federation\"); town not stated (Wyre Forest)",
            ["FED"], Standard(RotaSize.Small)),

        // ---- Leicester City: the proposed tiered model (004:660-672). All four hubs serve "all city patients" (004:654).
        new("LC-H02", "Belgrave Medical Centre Hub", "Belgrave Medical Centre", "Leicester", "LC", HubTier.PrimaryCareHub,
            LcTierOneHours, false, LeicesterCityGoLive, $"{Llr}:654,660,662,664,668,741",
            ["N", "E", "SW"],
            [
                Session("Evening GP clinic", Weekdays, At(18, 30), At(22), GeneralPractitioner, FaceToFace, 15, 2),
                Session("Evening telephone clinic", Weekdays, At(18, 30), At(22), AdvancedNursePractitioner, Telephone, 10),
                Session("Weekend and bank holiday GP clinic", WeekendsAndBankHolidays, At(12), At(20), GeneralPractitioner, FaceToFace, 15),
                Session("Weekend and bank holiday nurse practitioner clinic", WeekendsAndBankHolidays, At(12), At(20), AdvancedNursePractitioner, FaceToFace, 20),
            ]),
        new("LC-H03", "Saffron Health Hub", "Saffron Health", "Leicester", "LC", HubTier.PrimaryCareHub,
            LcTierOneHours, false, LeicesterCityGoLive, $"{Llr}:654,660,662,664,668,741",
            ["N", "E", "SW"],
            [
                Session("Evening GP clinic", Weekdays, At(18, 30), At(22), GeneralPractitioner, FaceToFace, 15, 2),
                Session("Evening clinical pharmacist clinic", Weekdays, At(18, 30), At(21), ClinicalPharmacist, Telephone, 15),
                Session("Weekend and bank holiday GP clinic", WeekendsAndBankHolidays, At(12), At(20), GeneralPractitioner, FaceToFace, 15),
                Session("Weekend and bank holiday GP video clinic", WeekendsAndBankHolidays, At(12), At(16), GeneralPractitioner, Video, 15),
            ]),
        new("LC-H04", "Westcotes Health Centre Hub", "Westcotes Health Centre", "Leicester", "LC", HubTier.UrgentCareHub,
            "\"8am to 8 or 10pm seven days a week\" (tier two community hub with diagnostics; \"went live in late 2016\"). Seeded 08:00–20:00 every day.",
            false, LeicesterCityGoLive, $"{Llr}:654,662,664,668,672",
            ["N", "E", "SW"],
            [
                Session("Morning GP clinic", EveryDay, At(8), At(13), GeneralPractitioner, FaceToFace, 15),
                Session("Afternoon and evening nurse practitioner clinic", EveryDay, At(13), At(20), AdvancedNursePractitioner, FaceToFace, 15),
            ]),
        new("LC-H05", "Merlyn Vaz Health and Social Care Centre Hub", "Merlyn Vaz Health and Social Care Centre", "Leicester", "LC", HubTier.UrgentCareHub,
            "\"8am to 8 or 10pm seven days a week\" (tier two, \"subject to consultation\"; the other option is Leicester General Hospital). The walk-in centre there runs \"8am-8pm 7 /7\" (004:615). Seeded 08:00–20:00 every day.",
            false, LeicesterCityGoLive, $"{Llr}:615,654,656,662,664,672,742",
            ["N", "E", "SW"],
            [
                Session("Morning GP clinic", EveryDay, At(8), At(14), GeneralPractitioner, FaceToFace, 15),
                Session("Afternoon and evening telephone clinic", EveryDay, At(14), At(20), AdvancedNursePractitioner, Telephone, 20),
                Session("Saturday physiotherapy clinic", SessionDays.Saturday, At(9), At(13), Physiotherapist, FaceToFace, 20),
            ]),

        // ---- East Leicestershire and Rutland: Oadby hub and its three nurse-led spoke sites (004:559,609,678).
        new("ELR-H01", "Oadby Urgent Care Centre", "Oadby Urgent Care Centre", "Oadby", "ELR", HubTier.UrgentCareHub,
            "\"8–8 7 days per week\" (004:559,678); the baseline table says \"Oadby 8am to 9 pm weekdays and 8am to 8pm weekends and bank holidays\" (004:609). Seeded 08:00–20:00 every day; the weekend sessions also run on bank holidays.",
            false, PlanStart, $"{Llr}:559,609,678,698,731,1380",
            ["BL", "MS", "MH", "OW"],
            [
                Session("Morning GP clinic", Weekdays, At(8), At(13), GeneralPractitioner, FaceToFace, 15),
                Session("Afternoon and evening nurse practitioner clinic", Weekdays, At(13), At(20), AdvancedNursePractitioner, FaceToFace, 15),
                Session("Weekend and bank holiday GP clinic", WeekendsAndBankHolidays, At(8), At(20), GeneralPractitioner, FaceToFace, 15),
            ]),
        new("ELR-H02", "St Luke's Hospital", "St Luke's Hospital", "Market Harborough", "ELR", HubTier.PrimaryCareHub,
            ElrSpokeHours, true, PlanStart, $"{Llr}:607,609,678",
            ["MH"], ElrSpoke()),
        new("ELR-H03", "Rutland Memorial Hospital", "Rutland Memorial Hospital", "Oakham", "ELR", HubTier.PrimaryCareHub,
            ElrSpokeHours, true, PlanStart, $"{Llr}:607,609,678 (serving Melton/Syston and Market Harborough: synthetic)",
            ["MS", "MH"], ElrSpoke()),
        new("ELR-H04", "Melton Mowbray Hospital", "Melton Mowbray Hospital", "Melton Mowbray", "ELR", HubTier.PrimaryCareHub,
            ElrSpokeHours, true, PlanStart, $"{Llr}:609,678",
            ["MS"], ElrSpoke()),

        // ---- West Leicestershire: tier one hubs at Hinckley and Coalville, tier three super hub at Loughborough (004:705-711).
        new("WL-H01", "Loughborough Community Super Hub", "Loughborough Community Hospital", "Loughborough", "WL", HubTier.CommunitySuperHub,
            "\"24 hours per day, 7 days a week\" (tier three Community Super Hub; \"24 hours 7 days\" at 004:619). Bookable extended-access sessions are seeded for the evening and weekend part only: weekdays 18:30–22:00, Saturday and Sunday 08:00–20:00.",
            false, PlanStart, $"{Llr}:391,563,565,619,703,705,709,735 (serving all West Leicestershire: this catalogue's reading)",
            ["NC", "SC", "HB", "NWL"],
            [
                Session("Evening GP clinic", Weekdays, At(18, 30), At(22), GeneralPractitioner, FaceToFace, 15, 2),
                Session("Evening telephone clinic", Weekdays, At(18, 30), At(22), AdvancedNursePractitioner, Telephone, 10),
                Session("Weekend GP clinic", SessionDays.Weekends, At(8), At(20), GeneralPractitioner, FaceToFace, 15),
                Session("Weekend nurse practitioner clinic", SessionDays.Weekends, At(8), At(14), AdvancedNursePractitioner, FaceToFace, 15),
            ]),
        new("WL-H02", "Hinckley Community Hospital Hub", "Hinckley Community Hospital", "Hinckley", "WL", HubTier.PrimaryCareHub,
            "\"19.00-22.00 Monday to Friday and 08.00-20.00 on Saturday, Sunday and Bank Holidays\" (004:705); pre-bookable extended access \"6.30–8 pm weekdays\" from April 18/19 (004:711).",
            false, PlanStart, $"{Llr}:703,705,707,711,713,736",
            ["HB"],
            [
                Session("Pre-bookable evening GP clinic", Weekdays, At(18, 30), At(20), GeneralPractitioner, FaceToFace, 15),
                Session("Urgent evening nurse practitioner clinic", Weekdays, At(19), At(22), AdvancedNursePractitioner, FaceToFace, 15),
                Session("Weekend and bank holiday GP clinic", WeekendsAndBankHolidays, At(8), At(20), GeneralPractitioner, FaceToFace, 15),
                Session("Weekend and bank holiday telephone clinic", WeekendsAndBankHolidays, At(8), At(14), AdvancedNursePractitioner, Telephone, 10),
            ]),
        new("WL-H03", "Coalville Community Hospital Hub", "Coalville Community Hospital", "Coalville", "WL", HubTier.PrimaryCareHub,
            "\"09.00-12.00 on Saturday\" (004:705); pre-bookable extended access \"6.30–8 pm weekdays\" from April 18/19 (004:711). No Sunday sessions: little demand for routine Sunday appointments (004:713).",
            false, PlanStart, $"{Llr}:705,707,711,713",
            ["NWL"],
            [
                Session("Pre-bookable evening GP clinic", Weekdays, At(18, 30), At(20), GeneralPractitioner, FaceToFace, 15, 2),
                Session("Evening telephone clinic", Weekdays, At(18, 30), At(20), AdvancedNursePractitioner, Telephone, 10),
                Session("Evening clinical pharmacist video clinic", Weekdays, At(18, 30), At(20), ClinicalPharmacist, Video, 15),
                Session("Saturday morning GP clinic", SessionDays.Saturday, At(9), At(12), GeneralPractitioner, FaceToFace, 15, 2),
                Session("Saturday morning nurse clinic", SessionDays.Saturday, At(9), At(12), PracticeNurse, FaceToFace, 15),
                Session("Saturday morning physiotherapy clinic", SessionDays.Saturday, At(9), At(12), Physiotherapist, FaceToFace, 20),
            ]),
    ];

    /// <summary>The ELR spoke sites' rota: nurse-led 17:00–21:00 weekdays (stated) and weekend mornings (end time synthetic).</summary>
    private static IReadOnlyList<SessionSeed> ElrSpoke() =>
    [
        Session("Evening nurse practitioner clinic", Weekdays, At(17), At(21), AdvancedNursePractitioner, FaceToFace, 15),
        Session("Evening GP telephone clinic", Weekdays, At(18, 30), At(21), GeneralPractitioner, Telephone, 10),
        Session("Weekend nurse practitioner clinic", SessionDays.Weekends, At(9), At(13), AdvancedNursePractitioner, FaceToFace, 15),
    ];
}
