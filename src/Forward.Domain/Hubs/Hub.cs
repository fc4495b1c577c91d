using Forward.Domain.Organisations;

namespace Forward.Domain.Hubs;

/// <summary>Tiers as the LLR blueprint uses them: 1 primary care hub, 2 urgent care hub with diagnostics, 3 24/7 super hub.</summary>
public enum HubTier
{
    PrimaryCareHub = 1,
    UrgentCareHub = 2,
    CommunitySuperHub = 3,
}

/// <summary>An extended-access hub: a site that runs evening and weekend sessions for the patients of several practices.</summary>
public class Hub
{
    public int Id { get; set; }

    /// <summary>Short stable code, e.g. "LC-H02".</summary>
    public required string Code { get; set; }

    public required string Name { get; set; }

    /// <summary>The building the hub runs from; null when the seeds do not say (the hub's <see cref="Source"/> says so).</summary>
    public string? SiteName { get; set; }

    /// <summary>The town the hub is in; null when the seeds do not say.</summary>
    public string? Town { get; set; }

    public int CcgId { get; set; }

    public Ccg? Ccg { get; set; }

    public HubTier Tier { get; set; }

    /// <summary>Opening hours as the seed plan states them, for people to read (the rota drives slots).</summary>
    public required string OpeningHours { get; set; }

    public string? Phone { get; set; }

    /// <summary>True when the seeds do not give this hub's hours and Forward's seeded rota is generated.</summary>
    public bool HoursAreSynthetic { get; set; }

    public bool IsActive { get; set; } = true;

    public string? Source { get; set; }

    /// <summary>
    /// How far ahead this hub takes bookings, through any channel, when it is nearer than the channel's own window
    /// (Leicester City's hubs: "same day or up to 48 hours in advance", 004:668); null: the channel's window alone.
    /// </summary>
    public int? MaximumBookingAheadHours { get; set; }

    /// <summary>
    /// The start of the earliest appointment here that had a reminder sent: when the hub's reminders began, for the
    /// before-and-after missed-appointment rate. Kept by the outbox dispatcher as reminders go out; null until one has.
    /// </summary>
    public DateTime? RemindersSinceUtc { get; set; }

    public List<HubPractice> ServedPractices { get; set; } = [];

    /// <summary>
    /// The site and town as far as they are known, e.g. "Maple View Surgery, Redditch" or "Dunstable"; empty when neither
    /// is. What a patient is told, so a gap in the record is left out rather than written into a message.
    /// </summary>
    public static string Address(string? siteName, string? town) =>
        string.Join(", ", new[] { siteName, town }.Where(part => !string.IsNullOrWhiteSpace(part)));

    public List<Session> Sessions { get; set; } = [];
}

/// <summary>A practice whose patients a hub serves.</summary>
public class HubPractice
{
    public int HubId { get; set; }

    public Hub? Hub { get; set; }

    public int PracticeId { get; set; }

    public Practice? Practice { get; set; }
}
