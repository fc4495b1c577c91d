using Forward.Domain.Hubs;

namespace Forward.Data.Seeding;

/// <summary>An ICS/STP as the seeds name it.</summary>
public sealed record CareSystemSeed(string Code, string Name, string Source);

/// <summary>
/// A CCG, its stated (or, where marked, synthetic) population and the contract and clinical-system split its practices are
/// given. <paramref name="Key"/> is the short id the reference tables use (CCG-BED → "BED").
/// </summary>
public sealed record CcgSeed(
    string Key,
    string OdsCode,
    string Name,
    string CareSystemCode,
    int StatedPopulation,
    string PracticeCodePrefix,
    PracticeMix Mix,
    string Source);

/// <summary>How many of a CCG's practices hold each contract and run each clinical system; sums equal its practice count.</summary>
public sealed record PracticeMix(int Gms, int Pms, int Apms, int SystmOne, int EmisWeb, string Source);

/// <summary>
/// A locality, or a cluster the seeds name, with its practice count. The seeds give no population below CCG level, so
/// <paramref name="Population"/> is always synthetic; the localities of a CCG add up to its stated population. The seeder
/// splits a locality into as few 30,000–50,000 clusters as fit. <paramref name="SeedNamesCluster"/> is true where the
/// seeds list this unit as a GP cluster itself, so a unit that fits in one cluster keeps its seed name and is not
/// synthetic. <paramref name="NamedPractices"/> are practice names the seeds give for this place (their list sizes and
/// codes are still synthetic).
/// </summary>
public sealed record LocalitySeed(
    string CcgKey,
    string Key,
    string Name,
    int Practices,
    int Population,
    bool SeedNamesCluster,
    string Source,
    string? ClusterBaseName = null,
    IReadOnlyList<string>? NamedPractices = null);

/// <summary>An extended-access hub: which localities' practices it serves and its weekly rota.</summary>
public sealed record HubSeed(
    string Code,
    string Name,
    string? SiteName,
    string? Town,
    string CcgKey,
    HubTier Tier,
    string OpeningHours,
    bool HoursAreSynthetic,
    DateOnly ValidFrom,
    string Source,
    IReadOnlyList<string> Serves,
    IReadOnlyList<SessionSeed> Rota);

/// <summary>One recurring session of a hub's rota.</summary>
public sealed record SessionSeed(
    string Name,
    SessionDays Days,
    TimeOnly Start,
    TimeOnly End,
    ClinicianRole Role,
    DeliveryMode Mode,
    int SlotMinutes,
    int Clinicians = 1);
