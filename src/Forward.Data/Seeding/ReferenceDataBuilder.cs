using Forward.Domain.Hubs;
using Forward.Domain.Organisations;
using Forward.Domain.Patients;

namespace Forward.Data.Seeding;

/// <summary>The entity graph built from <see cref="SeedCatalogue"/>: new, untracked objects each time, identical each time.</summary>
public sealed class ReferenceData
{
    public required IReadOnlyList<CareSystem> CareSystems { get; init; }

    public required IReadOnlyList<Ccg> Ccgs { get; init; }

    public required IReadOnlyList<PrimaryCareNetwork> Networks { get; init; }

    public required IReadOnlyList<Practice> Practices { get; init; }

    public required IReadOnlyList<Hub> Hubs { get; init; }

    /// <summary>Demo patients; each one's <see cref="Patient.RegisteredPractice"/> points at a practice in this graph.</summary>
    public required IReadOnlyList<Patient> Patients { get; init; }
}

/// <summary>
/// Turns the catalogue into entities: splits localities into 30,000–50,000 clusters, generates synthetic practices whose
/// list sizes add up exactly to each cluster (and so to each CCG's stated population), links hubs to the practices they
/// serve and lays out their rotas. Pure and deterministic: no clock, no shared random state.
/// </summary>
public static class ReferenceDataBuilder
{
    public const int MinClusterPopulation = 30_000;
    public const int MaxClusterPopulation = 50_000;
    public const int MinListSize = 2_500;
    public const int MaxListSize = 20_000;
    public const string SystmOne = "SystmOne";
    public const string EmisWeb = "EMIS Web";

    /// <summary>Ofcom's drama range for fixed lines: 01632 960000–960999. Practices take 960001 up, hubs 960901 up.</summary>
    private const int FirstHubPhone = 901;

    private static readonly string[] PlaceWords =
    [
        "Abbey", "Albany", "Ash Tree", "Aspen", "Beech House", "Birchwood", "Bridge Street", "Brook Lane", "Castle Mead",
        "Cedar", "Chapel Street", "Chestnut", "Church View", "Clarendon", "Cornfield", "Coronation Road", "Elm Tree",
        "Fairfield", "Fern Hill", "Fountain", "Grange", "Greenway", "Hawthorn", "Heathfield", "High Street", "Hillside",
        "Holly Tree", "Kingfisher", "Lakeside", "Larchwood", "Lime Tree", "Linden", "Lodge Farm", "Manor Park",
        "Market Square", "Meadowbank", "Mill House", "Moorland", "Oak Tree", "Orchard", "Parkside", "Poplar", "Priory",
        "Riverside", "Rosewood", "Rowan", "St Andrew's", "St Mary's", "St Paul's", "Spinney", "Station Road", "Sycamore",
        "The Crescent", "Valley", "Victoria Road", "Watermill", "Wellbrook", "Westgate", "Willow", "Windmill", "Woodland",
        "Yew Tree", "Hollybush", "Foxglove", "Ashfield", "Brookside", "Cherry Tree", "Elmhurst", "Hazelwood", "Highfield",
        "Ivy Lodge", "Laurel", "Northgate", "Oakwood", "Pinfold", "Southfield", "The Limes", "Thornbury", "Wheatfield",
        "Greenacres",
    ];

    private static readonly string[] PracticeKinds = ["Surgery", "Medical Centre", "Health Centre", "Medical Practice", "Family Practice", "Group Practice"];

    public static ReferenceData Build()
    {
        var careSystems = SeedCatalogue.CareSystems.Select(s => new CareSystem { Code = s.Code, Name = s.Name, Source = s.Source }).ToList();
        var careSystemByCode = careSystems.ToDictionary(c => c.Code, StringComparer.Ordinal);

        var ccgs = new List<Ccg>();
        var ccgByKey = new Dictionary<string, Ccg>(StringComparer.Ordinal);
        var networks = new List<PrimaryCareNetwork>();
        var practices = new List<Practice>();
        var practicesByLocality = new Dictionary<(string Ccg, string Locality), List<Practice>>();
        var usedNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var named in SeedCatalogue.Localities.SelectMany(l => l.NamedPractices ?? []))
        {
            if (!usedNames.Add(named))
            {
                throw new InvalidOperationException($"Seed catalogue names practice '{named}' twice.");
            }
        }

        foreach (var seed in SeedCatalogue.Ccgs)
        {
            var careSystem = careSystemByCode[seed.CareSystemCode];
            var ccg = new Ccg { OdsCode = seed.OdsCode, Name = seed.Name, CareSystem = careSystem, StatedPopulation = seed.StatedPopulation, Source = seed.Source };
            careSystem.Ccgs.Add(ccg);
            ccgs.Add(ccg);
            ccgByKey.Add(seed.Key, ccg);

            var localities = SeedCatalogue.Localities.Where(l => l.CcgKey == seed.Key).ToList();
            var practiceCount = localities.Sum(l => l.Practices);
            if (localities.Sum(l => l.Population) != seed.StatedPopulation)
            {
                throw new InvalidOperationException($"Localities of {seed.Key} add up to {localities.Sum(l => l.Population):N0}, not {seed.StatedPopulation:N0}.");
            }

            var mix = seed.Mix;
            if (mix.Gms + mix.Pms + mix.Apms != practiceCount || mix.SystmOne + mix.EmisWeb != practiceCount)
            {
                throw new InvalidOperationException($"Practice mix of {seed.Key} does not add up to its {practiceCount} practices.");
            }

            var ccgPractices = new List<Practice>();
            var wordsUsedInCcg = new HashSet<string>(StringComparer.Ordinal);
            foreach (var locality in localities)
            {
                var localityPractices = new List<Practice>();
                var names = new Queue<string>(locality.NamedPractices ?? []);
                var random = SeededRandom.For($"{seed.Key}/{locality.Key}");
                foreach (var (clusterIndex, clusterCount, clusterPractices, clusterPopulation) in SplitIntoClusters(locality))
                {
                    var single = clusterCount == 1;
                    var network = new PrimaryCareNetwork
                    {
                        Code = $"{seed.Key}-{locality.Key}-{clusterIndex}",
                        Name = NetworkName(locality, clusterIndex, clusterCount),
                        Locality = locality.Name,
                        Ccg = ccg,
                        IsSynthetic = !(single && locality.SeedNamesCluster),
                        Source = single && locality.SeedNamesCluster
                            ? locality.Source
                            : $"synthetic: cluster {clusterIndex} of {clusterCount} in {locality.Name} ({locality.Source})",
                    };
                    ccg.Networks.Add(network);
                    networks.Add(network);

                    foreach (var listSize in ListSizes(clusterPractices, clusterPopulation, random))
                    {
                        var practice = new Practice
                        {
                            OdsCode = $"{seed.PracticeCodePrefix}{901 + ccgPractices.Count:D3}",
                            Name = names.Count > 0 ? names.Dequeue() : NewPracticeName(random, usedNames, wordsUsedInCcg),
                            Network = network,
                            ListSize = listSize,
                            ClinicalSystem = SystmOne,
                            Phone = $"01632 960{practices.Count + 1:D3}",
                            IsSynthetic = true,
                        };
                        network.Practices.Add(practice);
                        ccgPractices.Add(practice);
                        localityPractices.Add(practice);
                        practices.Add(practice);
                    }

                    // A hub may serve one cluster of a locality ("BEDF-1"), as Bedford North's interim hub serves five practices.
                    practicesByLocality.Add((seed.Key, ClusterKey(locality.Key, clusterIndex)), [.. network.Practices]);
                }

                practicesByLocality.Add((seed.Key, locality.Key), localityPractices);
            }

            if (practices.Count >= FirstHubPhone)
            {
                throw new InvalidOperationException("Too many practices for the 01632 960xxx range.");
            }

            AssignContractsAndSystems(seed, ccgPractices);
        }

        var hubs = new List<Hub>();
        foreach (var seed in SeedCatalogue.Hubs)
        {
            var hub = new Hub
            {
                Code = seed.Code,
                Name = seed.Name,
                SiteName = seed.SiteName,
                Town = seed.Town,
                Ccg = ccgByKey[seed.CcgKey],
                Tier = seed.Tier,
                OpeningHours = seed.OpeningHours,
                Phone = HubPhone(hubs.Count),
                HoursAreSynthetic = seed.HoursAreSynthetic,
                Source = seed.Source,
                MaximumBookingAheadHours = SeedCatalogue.BookingWindowHours.TryGetValue(seed.CcgKey, out var window) ? window : null,
            };
            foreach (var localityKey in seed.Serves)
            {
                if (!practicesByLocality.TryGetValue((seed.CcgKey, localityKey), out var served))
                {
                    throw new InvalidOperationException($"Hub {seed.Code} serves unknown locality {seed.CcgKey}/{localityKey}.");
                }

                hub.ServedPractices.AddRange(served.Select(p => new HubPractice { Hub = hub, Practice = p }));
            }

            foreach (var s in seed.Rota)
            {
                var errors = Session.Validate(s.Name, s.Days, s.Start, s.End, s.SlotMinutes, s.Clinicians, seed.ValidFrom, null);
                if (errors.Count > 0)
                {
                    throw new InvalidOperationException($"Hub {seed.Code} session '{s.Name}': {string.Join("; ", errors.Values)}");
                }

                hub.Sessions.Add(new Session
                {
                    Hub = hub,
                    Name = s.Name,
                    Days = s.Days,
                    StartTime = s.Start,
                    EndTime = s.End,
                    Role = s.Role,
                    Mode = s.Mode,
                    SlotMinutes = s.SlotMinutes,
                    Clinicians = s.Clinicians,
                    ValidFrom = seed.ValidFrom,
                });
            }

            hubs.Add(hub);
        }

        return new ReferenceData
        {
            CareSystems = careSystems,
            Ccgs = ccgs,
            Networks = networks,
            Practices = practices,
            Hubs = hubs,
            Patients = DemoPatients.Build(practices),
        };
    }

    /// <summary>How <see cref="HubSeed.Serves"/> names one cluster of a locality (the locality's own key names all of it).</summary>
    public static string ClusterKey(string localityKey, int clusterIndex) => $"{localityKey}-{clusterIndex}";

    /// <summary>
    /// The name of a locality's cluster (its PCN): the seeds' own name for a locality that is one named cluster, else
    /// "… Cluster n".
    /// </summary>
    public static string NetworkName(LocalitySeed locality, int clusterIndex, int clusterCount)
    {
        ArgumentNullException.ThrowIfNull(locality);
        var baseName = locality.ClusterBaseName ?? locality.Name;
        return locality.SeedNamesCluster && clusterCount == 1 ? baseName : $"{baseName} Cluster {clusterIndex}";
    }

    /// <summary>The places a hub seed serves, as a directory names them: a locality, or one cluster of it.</summary>
    public static IEnumerable<string> ServedPlaces(HubSeed hub)
    {
        ArgumentNullException.ThrowIfNull(hub);
        foreach (var locality in SeedCatalogue.Localities.Where(l => l.CcgKey == hub.CcgKey))
        {
            if (hub.Serves.Contains(locality.Key))
            {
                yield return locality.Name;
            }

            foreach (var (index, count, _, _) in SplitIntoClusters(locality).Where(c => hub.Serves.Contains(ClusterKey(locality.Key, c.Index))))
            {
                yield return NetworkName(locality, index, count);
            }
        }
    }

    /// <summary>The synthetic phone number (Ofcom's drama range) of the hub at this position in <see cref="SeedCatalogue.Hubs"/>.</summary>
    public static string HubPhone(int hubIndex) => $"01632 960{FirstHubPhone + hubIndex:D3}";

    /// <summary>As few clusters as keep each within 30,000–50,000; practices and patients shared out as evenly as possible.</summary>
    private static IEnumerable<(int Index, int Count, int Practices, int Population)> SplitIntoClusters(LocalitySeed locality)
    {
        var count = (locality.Population + MaxClusterPopulation - 1) / MaxClusterPopulation;
        if (locality.Population / count < MinClusterPopulation || locality.Practices < count)
        {
            throw new InvalidOperationException($"Locality {locality.Name} ({locality.Population:N0} patients, {locality.Practices} practices) cannot be split into clusters of {MinClusterPopulation:N0}–{MaxClusterPopulation:N0}.");
        }

        for (var i = 0; i < count; i++)
        {
            var clusterPractices = (locality.Practices / count) + (i < locality.Practices % count ? 1 : 0);
            var population = (locality.Population / count) + (i < locality.Population % count ? 1 : 0);
            yield return (i + 1, count, clusterPractices, population);
        }
    }

    /// <summary>Random weights, scaled and rounded (largest remainder) to add up exactly, then nudged into 2,500–20,000.</summary>
    private static List<int> ListSizes(int count, int total, SeededRandom random)
    {
        if (total < count * MinListSize || total > count * MaxListSize)
        {
            throw new InvalidOperationException($"{count} practices cannot hold {total:N0} patients within {MinListSize:N0}–{MaxListSize:N0} each.");
        }

        var weights = Enumerable.Range(0, count).Select(_ => 0.55 + (0.9 * random.NextDouble())).ToList();
        var sum = weights.Sum();
        var exact = weights.Select(w => total * w / sum).ToList();
        var sizes = exact.Select(x => (int)Math.Floor(x)).ToList();
        var remainder = total - sizes.Sum();
        foreach (var i in Enumerable.Range(0, count).OrderByDescending(i => exact[i] - sizes[i]).ThenBy(i => i).Take(remainder))
        {
            sizes[i]++;
        }

        // Clamp into range, moving the difference onto practices with room. Terminates: the total fits the range (checked above).
        for (var i = 0; i < count; i++)
        {
            var excess = sizes[i] - Math.Clamp(sizes[i], MinListSize, MaxListSize);
            sizes[i] -= excess;
            for (var j = 0; excess != 0; j = (j + 1) % count)
            {
                var room = excess > 0 ? MaxListSize - sizes[j] : MinListSize - sizes[j];
                var move = excess > 0 ? Math.Min(excess, room) : Math.Max(excess, room);
                sizes[j] += move;
                excess -= move;
            }
        }

        return sizes;
    }

    /// <summary>"&lt;place&gt; &lt;kind&gt;", unique overall, and no place word twice in one CCG (no "Elm Tree Surgery" next to "Elm Tree Health Centre").</summary>
    private static string NewPracticeName(SeededRandom random, HashSet<string> used, HashSet<string> wordsUsedInCcg)
    {
        for (var attempt = 0; attempt < 100_000; attempt++)
        {
            var word = random.Pick(PlaceWords);
            var name = $"{word} {random.Pick(PracticeKinds)}";
            if (!wordsUsedInCcg.Contains(word) && used.Add(name))
            {
                wordsUsedInCcg.Add(word);
                return name;
            }
        }

        throw new InvalidOperationException("Ran out of synthetic practice names: add words to the list.");
    }

    /// <summary>Deals the CCG's contract and clinical-system counts out across its practices in a shuffled (but fixed) order.</summary>
    private static void AssignContractsAndSystems(CcgSeed seed, List<Practice> practices)
    {
        var mix = seed.Mix;
        var contracts = Enumerable.Repeat(ContractType.Gms, mix.Gms)
            .Concat(Enumerable.Repeat(ContractType.Pms, mix.Pms))
            .Concat(Enumerable.Repeat(ContractType.Apms, mix.Apms))
            .ToList();
        var systems = Enumerable.Repeat(SystmOne, mix.SystmOne).Concat(Enumerable.Repeat(EmisWeb, mix.EmisWeb)).ToList();
        SeededRandom.For($"{seed.Key}/contracts").Shuffle(contracts);
        SeededRandom.For($"{seed.Key}/systems").Shuffle(systems);
        for (var i = 0; i < practices.Count; i++)
        {
            practices[i].Contract = contracts[i];
            practices[i].ClinicalSystem = systems[i];
        }
    }
}
