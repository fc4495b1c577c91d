using Forward.Domain.Consultation;
using Forward.Domain.Navigation;
using Forward.Domain.Organisations;

namespace Forward.Data.Seeding;

/// <summary>A care-navigation directory entry before it is linked to its CCG (by the catalogue's CCG key).</summary>
public sealed record LocalServiceSeed(
    string Code,
    string CcgKey,
    ServiceCategory Category,
    string Name,
    string WhoFor,
    string HowToRefer,
    string Hours,
    string? Phone,
    string? Website,
    string Keywords,
    string Source,
    bool IsSynthetic);

/// <summary>
/// The care-navigation directory Forward seeds, per CCG: the services the seed plans name (with their source line), every
/// seeded extended-access hub, NHS 111, and one synthetic entry (marked so) for each kind of service the plans do not
/// name for that CCG. Deterministic: the same list every time, so seeding twice changes nothing.
/// </summary>
public static class NavigationCatalogue
{
    private const string Worcs = "002_bdc0b29b92000165.txt";
    private const string Llr = "004_4f7540b48b69d82d.txt";
    private const string Beds = "000_dc1595fd4288bcbf.txt";
    private const string NotStated = "Not stated in the seeds: ask the service.";

    /// <summary>Services the seed plans name. Where they give hours or access, it is quoted; the rest says it is not stated.</summary>
    public static readonly IReadOnlyList<LocalServiceSeed> Named =
    [
        new("ELR-MIU-PRACTICES", "ELR", ServiceCategory.MinorInjuries, "Minor Injuries Service (all 31 practices and the Harborough and Rutland hospitals)",
            "Patients of East Leicestershire and Rutland practices with a minor injury.", "Walk in or pre-book through your practice.",
            "8.30am to 5pm, Monday to Friday", null, null, "minor injury cut sprain burn wound", $"{Llr}:607", false),
        new("ELR-UCC-MIA", "ELR", ServiceCategory.MinorInjuries, "Urgent Care – Minor Injuries and Ailments (St Luke's Market Harborough, Rutland Memorial Oakham, Melton Mowbray Hospital, Oadby)",
            "Anyone with a minor injury or minor illness that needs attention today.", "Walk in, or pre-book through NHS 111.",
            "Harborough, Rutland and Melton: 5pm to 9pm weekdays. Oadby: 8am to 9pm weekdays and 8am to 8pm at weekends and on bank holidays.", "111", "https://111.nhs.uk",
            "minor injury minor illness urgent walk-in same day", $"{Llr}:609", false),
        new("LC-WIC-MERLYNVAZ", "LC", ServiceCategory.MinorInjuries, "Walk-in and Urgent Care, Merlyn Vaz Health and Social Care Centre",
            "Anyone in Leicester with an urgent problem that is not an emergency.", "Walk in.",
            "8am to 8pm, 7 days a week", null, null, "walk-in urgent minor injury minor illness same day", $"{Llr}:615", false),
        new("WL-MIU-PRACTICES", "WL", ServiceCategory.MinorInjuries, "Minor Injuries Service (all 48 practices)",
            "Patients of West Leicestershire practices with a minor injury.", "Walk in to your practice.",
            "Core GP hours", null, null, "minor injury cut sprain burn wound", $"{Llr}:617", false),
        new("WL-UCC-LOUGHBOROUGH", "WL", ServiceCategory.MinorInjuries, "Urgent Care Centre, Loughborough Hospital",
            "Anyone with an urgent problem that is not an emergency.", "Walk in, or pre-book through NHS 111.",
            "24 hours a day, 7 days a week", "111", "https://111.nhs.uk", "urgent care walk-in minor injury overnight", $"{Llr}:565,619", false),
        new("SWO-PHARM-MAS", "SWO", ServiceCategory.CommunityPharmacy, "Pharmacy Minor Ailments Scheme",
            "Patients with a minor ailment (coughs, colds, hay fever, skin rashes, head lice ...).", "Go to a community pharmacy taking part; no referral needed.",
            NotStated, null, null, "pharmacy minor ailment cold cough hay fever rash medicine", $"{Worcs}:599,608", false),
        new("RB-PHARM-MAS", "RB", ServiceCategory.CommunityPharmacy, "Pharmacy Minor Ailments Scheme",
            "Patients with a minor ailment (coughs, colds, hay fever, skin rashes, head lice ...).", "Go to a community pharmacy taking part; no referral needed.",
            NotStated, null, null, "pharmacy minor ailment cold cough hay fever rash medicine", $"{Worcs}:599,608", false),
        new("WF-PHARM-MAS", "WF", ServiceCategory.CommunityPharmacy, "Pharmacy Minor Ailments Scheme",
            "Patients with a minor ailment (coughs, colds, hay fever, skin rashes, head lice ...).", "Go to a community pharmacy taking part; no referral needed.",
            NotStated, null, null, "pharmacy minor ailment cold cough hay fever rash medicine", $"{Worcs}:599,608", false),
        new("SWO-SP-WORCESTER", "SWO", ServiceCategory.SocialPrescribing, "Social prescribing (Worcester City early adopter site)",
            "Adults whose health is affected by loneliness, debt, housing or other non-medical needs.", "Ask your practice's care navigator to refer you.",
            NotStated, null, null, "social prescribing lonely isolated debt housing benefits activity", $"{Worcs}:607", false),
        new("SWO-SP-DROITWICH", "SWO", ServiceCategory.SocialPrescribing, "Social prescribing (Droitwich early adopter site)",
            "Adults whose health is affected by loneliness, debt, housing or other non-medical needs.", "Ask your practice's care navigator to refer you.",
            NotStated, null, null, "social prescribing lonely isolated debt housing benefits activity", $"{Worcs}:607", false),
        new("RB-SP-REDDITCH", "RB", ServiceCategory.SocialPrescribing, "Social prescribing (Redditch early adopter site)",
            "Adults whose health is affected by loneliness, debt, housing or other non-medical needs.", "Ask your practice's care navigator to refer you.",
            NotStated, null, null, "social prescribing lonely isolated debt housing benefits activity", $"{Worcs}:607", false),
        new("BED-IAPT", "BED", ServiceCategory.TalkingTherapies, "Psychological therapies for anxiety and depression",
            "Adults with anxiety or depression.", "Refer yourself, or ask your practice.",
            NotStated, null, null, "talking therapies IAPT anxiety depression low mood stress counselling", $"{Beds}:587", false),
    ];

    private static readonly (ServiceCategory Category, string Name, string WhoFor, string HowToRefer, string Hours, string Keywords)[] Synthetic =
    [
        (ServiceCategory.CommunityPharmacy, "Community pharmacy consultation service", "Patients with a minor illness or an urgent repeat medicine.",
            "Reception or NHS 111 refers; or walk in to a pharmacy.", "Most pharmacies 9am to 6pm, Monday to Saturday", "pharmacy minor illness medicine repeat cold cough rash"),
        (ServiceCategory.Optician, "Minor eye conditions service (opticians)", "Patients with a red or sore eye, a foreign body, or sudden changes in sight (not loss of sight).",
            "Phone a taking-part optician directly; no GP referral needed.", "Opticians' opening hours", "eye eyes red-eye sore sight glasses optician"),
        (ServiceCategory.PhysioSelfReferral, "Physiotherapy self-referral", "Adults with back, neck, joint or muscle pain.",
            "Refer yourself online or by phone.", "Monday to Friday, 8am to 6pm", "physio back neck joint muscle pain sprain musculoskeletal"),
        (ServiceCategory.TalkingTherapies, "NHS Talking Therapies (IAPT)", "Adults with anxiety, depression or stress.",
            "Refer yourself online or by phone; no GP appointment needed.", "Monday to Friday, 9am to 5pm", "talking therapies IAPT anxiety depression low mood stress counselling"),
        (ServiceCategory.SocialPrescribing, "Social prescribing link workers", "Adults whose health is affected by loneliness, debt, housing or other non-medical needs.",
            "Ask your practice's care navigator to refer you.", "Monday to Friday, 9am to 5pm", "social prescribing lonely isolated debt housing benefits activity"),
        (ServiceCategory.SexualHealth, "Sexual health clinic", "Anyone wanting contraception, STI testing or advice.",
            "Book online or by phone; walk-in sessions on weekdays.", "Monday to Friday, 9am to 7pm", "sexual health contraception STI test pill coil emergency"),
        (ServiceCategory.MinorInjuries, "Minor injuries unit", "Anyone with a minor injury: cuts, sprains, minor burns.",
            "Walk in.", "8am to 8pm, 7 days a week", "minor injury cut sprain burn wound"),
    ];

    /// <summary>Every directory entry for the catalogue's CCGs.</summary>
    public static IReadOnlyList<LocalServiceSeed> All()
    {
        var list = new List<LocalServiceSeed>(Named);
        var phone = 0;
        foreach (var ccg in SeedCatalogue.Ccgs)
        {
            foreach (var s in Synthetic.Where(s => !Named.Any(n => n.CcgKey == ccg.Key && n.Category == s.Category)))
            {
                list.Add(new LocalServiceSeed(
                    $"{ccg.Key}-SYN-{s.Category}".ToUpperInvariant(),
                    ccg.Key,
                    s.Category,
                    $"{ShortName(ccg)} {s.Name} (synthetic)",
                    s.WhoFor,
                    s.HowToRefer,
                    s.Hours,
                    $"0113 496 0{phone++:D3}", // Ofcom's drama range for Leeds: never a real line.
                    null,
                    s.Keywords,
                    "synthetic: the seeds name no such service for this CCG",
                    true));
            }

            list.Add(new LocalServiceSeed(
                $"{ccg.Key}-NHS111", ccg.Key, ServiceCategory.Nhs111, "NHS 111",
                "Anyone who needs urgent medical help or advice that is not a 999 emergency, day or night.",
                "Call 111 or go to 111.nhs.uk. 111 can book into extended-access hubs and urgent care.",
                "24 hours a day, 7 days a week", "111", "https://111.nhs.uk", "111 urgent out of hours night weekend advice",
                $"national service; the seeds route extended access through 111 ({Llr}:555,563; {Beds}:954)", false));
        }

        foreach (var (hub, index) in SeedCatalogue.Hubs.Select((hub, index) => (hub, index)))
        {
            var places = ReferenceDataBuilder.ServedPlaces(hub);
            var hours = hub.OpeningHours.Length <= LocalService.MaxHoursLength ? hub.OpeningHours : hub.OpeningHours[..(LocalService.MaxHoursLength - 1)] + "…";

            // Leicester City's hubs book "the same day or up to 48 hours in advance … via the patient's own GP practice, by
            // calling NHS 111 or by calling the designated healthcare hub phone number" (004:668): the entry says all three.
            var window = SeedCatalogue.BookingWindowHours.TryGetValue(hub.CcgKey, out var hoursAhead) ? hoursAhead : (int?)null;
            list.Add(new LocalServiceSeed(
                $"HUB-{hub.Code}", hub.CcgKey, ServiceCategory.ExtendedAccessHub, hub.Name,
                $"Patients of practices in {string.Join(", ", places)} who need a GP or nurse appointment in the evening or at the weekend.",
                window is { } ahead
                    ? $"The same day or up to {ahead} hours ahead: book through the patient's own practice, NHS 111, or the hub's phone line."
                    : "Book through the patient's own practice, or NHS 111.",
                hours, window is null ? null : ReferenceDataBuilder.HubPhone(index), null, "evening weekend appointment GP nurse extended access hub",
                hub.Source, hub.HoursAreSynthetic || hub.Code.Contains("-X", StringComparison.Ordinal)));
        }

        return list;
    }

    /// <summary>
    /// A practice's online consultation settings, synthetic (the seeds say only that practices will offer online
    /// consultation): accepting, with a daily cap of about 2 requests per 1,000 patients (at least 10); one practice in
    /// 25, picked by a generator keyed on its code, is paused, so the paused message can be seen.
    /// </summary>
    public static PracticeOnlineSettings SettingsFor(Practice practice)
    {
        ArgumentNullException.ThrowIfNull(practice);
        var paused = SeededRandom.For($"online-settings:{practice.OdsCode}").Next(25) == 0;
        return new PracticeOnlineSettings
        {
            PracticeId = practice.Id,
            AcceptingRequests = !paused,
            DailyCap = Math.Max(10, (int)Math.Round(practice.ListSize * 2 / 1000.0, MidpointRounding.AwayFromZero)),
            PausedMessage = paused ? "We have paused online requests while we move to a new system." : null,
            IsSynthetic = true,
        };
    }

    private static string ShortName(CcgSeed ccg) => ccg.Name.Replace("NHS ", string.Empty, StringComparison.Ordinal).Replace(" CCG", string.Empty, StringComparison.Ordinal);
}
