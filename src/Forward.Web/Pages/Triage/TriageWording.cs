using System.Globalization;
using Forward.Domain.Consultation;
using Forward.Domain.Time;
using Microsoft.AspNetCore.Mvc.Rendering;

namespace Forward.Web.Pages.Triage;

/// <summary>How the triage pages put a request's fields into words, so the queue and the detail page say the same.</summary>
public static class TriageWording
{
    public static string Status(ConsultationStatus status) => status switch
    {
        ConsultationStatus.New => "New",
        ConsultationStatus.InProgress => "In progress",
        ConsultationStatus.Closed => "Closed",
        _ => status.ToString(),
    };

    /// <summary>The query value of a status tab: "new", "in-progress", "closed".</summary>
    public static string Slug(ConsultationStatus status) => status switch
    {
        ConsultationStatus.InProgress => "in-progress",
        _ => status.ToString().ToLowerInvariant(),
    };

    public static ConsultationStatus? FromSlug(string? slug) =>
        Enum.GetValues<ConsultationStatus>().Select(s => (ConsultationStatus?)s).FirstOrDefault(s => string.Equals(Slug(s!.Value), slug, StringComparison.OrdinalIgnoreCase));

    public static string Kind(ConsultationKind kind) => kind == ConsultationKind.Admin ? "Admin" : "Medical";

    public static string AdminType(AdminRequestType type) => type switch
    {
        AdminRequestType.FitNote => "Fit note",
        AdminRequestType.RepeatPrescriptionQuery => "Repeat prescription query",
        AdminRequestType.TestResults => "Test results",
        _ => "Other admin request",
    };

    /// <summary>The queue's one-line summary: the admin type, or the patient's few words.</summary>
    public static string Summary(ConsultationKind kind, AdminRequestType? adminType, string? problemSummary) =>
        kind == ConsultationKind.Admin
            ? AdminType(adminType ?? AdminRequestType.OtherAdmin)
            : string.IsNullOrWhiteSpace(problemSummary) ? "Medical problem" : problemSummary;

    public static string Duration(DurationBand? band) => band switch
    {
        DurationBand.LessThanTwoDays => "Less than 2 days",
        DurationBand.TwoToSevenDays => "2 to 7 days",
        DurationBand.OneToFourWeeks => "1 to 4 weeks",
        DurationBand.MoreThanFourWeeks => "More than 4 weeks",
        _ => "Not given",
    };

    public static string Severity(SeverityBand? band) => band switch
    {
        SeverityBand.Mild => "Mild",
        SeverityBand.Moderate => "Moderate",
        SeverityBand.Severe => "Severe",
        _ => "Not given",
    };

    /// <summary>
    /// A history entry as staff read it. The request records a close under the outcome's code ("Closed: BookAppointment"),
    /// and its history is never rewritten, so the code is put in words when shown, for old entries too.
    /// </summary>
    public static string Event(string what)
    {
        ArgumentNullException.ThrowIfNull(what);
        const string Closed = "Closed: ";
        return what.StartsWith(Closed, StringComparison.Ordinal) && Enum.TryParse<ConsultationOutcome>(what[Closed.Length..], ignoreCase: false, out var outcome)
            && Enum.IsDefined(outcome)
            ? Closed + Outcome(outcome)
            : what;
    }

    public static string Outcome(ConsultationOutcome outcome) => outcome switch
    {
        ConsultationOutcome.SelfCare => "Self-care advice",
        ConsultationOutcome.Pharmacy => "Referred to a pharmacy",
        ConsultationOutcome.BookAppointment => "Appointment booked",
        ConsultationOutcome.Prescription => "Prescription issued",
        ConsultationOutcome.SignpostedElsewhere => "Signposted to another service",
        ConsultationOutcome.Closed => "Closed with no further action",
        _ => outcome.ToString(),
    };

    /// <summary>
    /// Every urgent-symptom question the form asks now, with the answer the request stored: "No", "Yes", "Not answered",
    /// or "Not asked" for a question the request has no answer to (one added since it was sent).
    /// </summary>
    public static IReadOnlyList<(RedFlagQuestion Question, string Answer)> RedFlagAnswers(string? stored)
    {
        var answers = RedFlags.Read(stored);
        return RedFlags.Questions.Select(q => (q, answers.TryGetValue(q.Code, out var a)
            ? a switch
            {
                "no" => "No",
                "yes" => "Yes",
                _ => "Not answered",
            }
            : "Not asked")).ToList();
    }

    /// <summary>The outcomes the close form offers: all but booking, which the booking journey records itself.</summary>
    public static IReadOnlyList<SelectListItem> CloseOptions() =>
        Enum.GetValues<ConsultationOutcome>().Where(o => o != ConsultationOutcome.BookAppointment)
            .Select(o => new SelectListItem(Outcome(o), o.ToString())).ToList();

    /// <summary>
    /// The deadline in words relative to now: "Overdue by 3 hours", "Due in 45 minutes", "Due in 2 days". Paired with the
    /// date and time, which the page shows as well.
    /// </summary>
    public static string DeadlineInWords(DateTime deadlineUtc, DateTime nowUtc)
    {
        var span = deadlineUtc - nowUtc;
        var amount = Amount(span.Duration());
        return span < TimeSpan.Zero ? $"Overdue by {amount}" : $"Due in {amount}";
    }

    public static bool IsOverdue(DateTime deadlineUtc, DateTime nowUtc, ConsultationStatus status) =>
        status != ConsultationStatus.Closed && deadlineUtc < nowUtc;

    /// <summary>"18:30 on Tuesday 9 June 2026" in London time.</summary>
    public static string When(DateTime utc)
    {
        var local = London.ToLocal(utc);
        return $"{Wording.ClockTime(utc)} on {Wording.DayAndDate(local)}";
    }

    private static string Amount(TimeSpan span)
    {
        if (span.TotalMinutes < 60)
        {
            var minutes = Math.Max(1, (int)Math.Round(span.TotalMinutes));
            return Wording.Plural(minutes, "minute", "minutes");
        }

        if (span.TotalHours < 48)
        {
            var hours = (int)Math.Floor(span.TotalHours);
            return Wording.Plural(hours, "hour", "hours");
        }

        return Wording.Plural((int)Math.Floor(span.TotalDays), "day", "days");
    }

    public static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
