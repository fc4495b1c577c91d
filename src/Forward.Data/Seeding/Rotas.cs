using Forward.Domain.Hubs;

namespace Forward.Data.Seeding;

/// <summary>How much capacity a synthetic rota offers, sized to the population the hub serves.</summary>
public enum RotaSize
{
    /// <summary>For about 30,000–50,000 patients (one cluster): ~127 slots, ~1,620 clinician minutes a week.</summary>
    Small,

    /// <summary>For about 50,000–80,000 patients: ~197 slots, ~2,730 minutes a week.</summary>
    Medium,

    /// <summary>For about 80,000–110,000 patients: ~296 slots, ~3,870 minutes a week.</summary>
    Large,
}

/// <summary>The mix of roles and modes a synthetic rota uses.</summary>
public enum RotaStyle
{
    /// <summary>GP-led, mostly face to face, with telephone, nurse, pharmacist and physiotherapy sessions.</summary>
    Balanced,

    /// <summary>Mostly telephone and video, after South Worcestershire's "70%: 30% telephone/remote ... face to face" split (002:362).</summary>
    RemoteFirst,

    /// <summary>"telephone triage and 1st practitioner ANP supported by a GP at all times" (Bewdley, 002:432).</summary>
    AnpLed,
}

/// <summary>Building blocks for the seeded rotas.</summary>
public static class Rotas
{
    /// <summary>Weekday evenings in the synthetic standard pattern (the seeds' "after 6:30pm ... an additional 1.5 hours a day", 002:309).</summary>
    public static readonly (TimeOnly Start, TimeOnly End) WeekdayEvening = (At(18, 30), At(20));

    /// <summary>Saturday in the synthetic standard pattern (not stated in the seeds).</summary>
    public static readonly (TimeOnly Start, TimeOnly End) SaturdayMorning = (At(9), At(13));

    /// <summary>Sunday in the synthetic standard pattern (not stated in the seeds).</summary>
    public static readonly (TimeOnly Start, TimeOnly End) SundayMorning = (At(10), At(12));

    public static TimeOnly At(int hour, int minute = 0) => new(hour, minute);

    public static SessionSeed Session(string name, SessionDays days, TimeOnly start, TimeOnly end, ClinicianRole role, DeliveryMode mode, int slotMinutes, int clinicians = 1) =>
        new(name, days, start, end, role, mode, slotMinutes, clinicians);

    /// <summary>
    /// The synthetic standard pattern for hubs whose hours the seeds do not give (or give only in part): weekdays
    /// 18:30–20:00, Saturday 09:00–13:00, Sunday 10:00–12:00. Never on bank holidays: no seed says these hubs open then.
    /// </summary>
    public static IReadOnlyList<SessionSeed> Standard(RotaSize size, RotaStyle style = RotaStyle.Balanced)
    {
        var (wkStart, wkEnd) = WeekdayEvening;
        var (satStart, satEnd) = SaturdayMorning;
        var (sunStart, sunEnd) = SundayMorning;
        const SessionDays Wk = SessionDays.Weekdays;
        const SessionDays Sat = SessionDays.Saturday;
        const SessionDays Sun = SessionDays.Sunday;
        const ClinicianRole Gp = ClinicianRole.GeneralPractitioner;
        const ClinicianRole Anp = ClinicianRole.AdvancedNursePractitioner;
        const ClinicianRole Nurse = ClinicianRole.PracticeNurse;
        const DeliveryMode F2F = DeliveryMode.FaceToFace;
        const DeliveryMode Tel = DeliveryMode.Telephone;
        const DeliveryMode Video = DeliveryMode.Video;
        var bigger = size >= RotaSize.Medium ? 2 : 1;
        var rota = new List<SessionSeed>();

        if (style == RotaStyle.AnpLed)
        {
            rota.Add(Session("Evening ANP telephone triage", Wk, wkStart, wkEnd, Anp, Tel, 10));
            rota.Add(Session("Evening nurse practitioner clinic", Wk, wkStart, wkEnd, Anp, F2F, 15));
            rota.Add(Session("Evening GP clinic", Wk, wkStart, wkEnd, Gp, F2F, 15));
            rota.Add(Session("Saturday ANP telephone triage", Sat, satStart, satEnd, Anp, Tel, 10));
            rota.Add(Session("Saturday nurse practitioner clinic", Sat, satStart, satEnd, Anp, F2F, 15));
            rota.Add(Session("Saturday GP clinic", Sat, satStart, satEnd, Gp, F2F, 15));
            rota.Add(Session("Sunday ANP telephone triage", Sun, sunStart, sunEnd, Anp, Tel, 10));
            rota.Add(Session("Sunday GP clinic", Sun, sunStart, sunEnd, Gp, F2F, 15));
            if (size == RotaSize.Large)
            {
                rota.Add(Session("Evening clinical pharmacist clinic", Wk, wkStart, wkEnd, ClinicianRole.ClinicalPharmacist, Tel, 15));
                rota.Add(Session("Saturday physiotherapy clinic", Sat, satStart, satEnd, ClinicianRole.Physiotherapist, F2F, 20));
            }

            return rota;
        }

        var remote = style == RotaStyle.RemoteFirst;

        // Core: every hub, whatever its size.
        rota.Add(remote
            ? Session("Evening GP telephone clinic", Wk, wkStart, wkEnd, Gp, Tel, 10, bigger)
            : Session("Evening GP clinic", Wk, wkStart, wkEnd, Gp, F2F, 15, bigger));
        rota.Add(Session("Evening telephone clinic", Wk, wkStart, wkEnd, Anp, Tel, 10));
        rota.Add(Session("Saturday GP clinic", Sat, satStart, satEnd, Gp, F2F, 15, bigger));
        rota.Add(remote
            ? Session("Saturday nurse video clinic", Sat, satStart, satEnd, Nurse, Video, 15)
            : Session("Saturday nurse clinic", Sat, satStart, satEnd, Nurse, F2F, 15));
        rota.Add(remote
            ? Session("Sunday GP telephone clinic", Sun, sunStart, sunEnd, Gp, Tel, 10)
            : Session("Sunday GP clinic", Sun, sunStart, sunEnd, Gp, F2F, 15));
        rota.Add(Session("Sunday telephone clinic", Sun, sunStart, sunEnd, remote ? Anp : Gp, Tel, 10));

        if (size >= RotaSize.Medium)
        {
            rota.Add(Session("Evening clinical pharmacist clinic", SessionDays.Monday | SessionDays.Wednesday, wkStart, wkEnd, ClinicianRole.ClinicalPharmacist, remote ? Tel : Video, 15));
            rota.Add(Session("Saturday physiotherapy clinic", Sat, satStart, satEnd, ClinicianRole.Physiotherapist, remote ? Video : F2F, 20));
        }

        if (size == RotaSize.Large)
        {
            rota.Add(remote
                ? Session("Evening GP clinic", Wk, wkStart, wkEnd, Gp, F2F, 15)
                : Session("Evening nurse practitioner clinic", Wk, wkStart, wkEnd, Anp, F2F, 15));
            rota.Add(remote
                ? Session("Evening nurse practitioner video clinic", Wk, wkStart, wkEnd, Anp, Video, 15)
                : Session("Evening GP telephone clinic", Wk, wkStart, wkEnd, Gp, Tel, 10));
            rota.Add(Session("Saturday telephone clinic", Sat, satStart, satEnd, Anp, Tel, 10));
        }

        return rota;
    }
}
