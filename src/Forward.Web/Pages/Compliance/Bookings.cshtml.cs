using System.Globalization;
using CsvHelper;
using Forward.Domain;
using Forward.Domain.Access;
using Forward.Domain.Time;
using Forward.Web.Access;
using Forward.Web.Compliance;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Forward.Web.Pages.Compliance;

/// <summary>One appointment behind a figure, as CSV (no patient identity).</summary>
[CsvRecord]
public sealed partial record ComplianceBookingCsvRow(long AppointmentId, string StartLondon, string BookedLondon, string Hub, string? Session, string Practice, string Status, string Channel, string? Mode)
{
    public static ComplianceBookingCsvRow Create(ComplianceBooking b)
    {
        ArgumentNullException.ThrowIfNull(b);
        return new ComplianceBookingCsvRow(
            b.AppointmentId,
            London.ToLocal(b.StartUtc).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
            London.ToLocal(b.CreatedUtc).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
            b.HubName,
            b.SessionName,
            b.PracticeOds,
            b.Status.ToString(),
            b.Channel.ToString(),
            b.Mode?.ToString());
    }
}

/// <summary>
/// The appointments behind a dashboard figure (the last step of the drill-down: ... → hub → session → bookings), so
/// every count can be checked one appointment at a time. No patient identity is shown: the time, place, status,
/// channel and the practice the appointment counts for are enough to trace a figure.
/// </summary>
[Authorize(Roles = Roles.Commissioner + "," + Roles.PracticeStaff)]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class BookingsModel(ComplianceQueries queries) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Scope { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? To { get; set; }

    [BindProperty(SupportsGet = true)]
    public int? Session { get; set; }

    public ComplianceBookings? Bookings { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        await LoadAsync(cancellationToken) ?? Page();

    public async Task<IActionResult> OnGetCsvAsync(CancellationToken cancellationToken)
    {
        var refused = await LoadAsync(cancellationToken);
        if (refused is not null || Bookings is null)
        {
            return refused ?? Page();
        }

        Response.ContentType = "text/csv; charset=utf-8";
        Response.Headers.ContentDisposition = string.Create(CultureInfo.InvariantCulture, $"attachment; filename=\"forward-bookings-{ComplianceApi.LevelName(Bookings.Entity.Level)}-{Bookings.Entity.Id}-{Wording.Iso(Bookings.Range.From)}-{Wording.Iso(Bookings.Range.To)}.csv\"");
        Response.Headers.CacheControl = "no-store";
        var options = CsvWriterOptions.Default with { Injection = CsvInjection.Escape };
        await using (var csv = CsvWriter.Create(Response.Body, options, leaveOpen: true))
        {
            await csv.WriteRecordsAsync(Bookings.Rows.Select(ComplianceBookingCsvRow.Create), cancellationToken);
            await csv.FlushAsync(cancellationToken);
        }

        return new EmptyResult();
    }

    private async Task<IActionResult?> LoadAsync(CancellationToken cancellationToken)
    {
        if (!IndexModel.TryParseScope(Scope, out var levelName, out var id))
        {
            ModelState.AddModelError(nameof(Scope), "Open this list from the access dashboard");
            return null;
        }

        try
        {
            var level = ComplianceApi.ParseLevel(levelName);
            var range = queries.Range(From, To);
            Bookings = await queries.BookingsAsync(level, id, range, Session, Actor.From(User), cancellationToken);
            return null;
        }
        catch (ValidationFailedException invalid)
        {
            foreach (var (field, message) in invalid.Errors)
            {
                ModelState.AddModelError(field switch { "from" => nameof(From), "to" => nameof(To), _ => nameof(Scope) }, message);
            }

            return null;
        }
        catch (DomainException e) when (e.Kind == DomainErrorKind.NotFound)
        {
            return NotFound();
        }
        catch (DomainException e) when (e.Kind == DomainErrorKind.Forbidden)
        {
            return Forbid();
        }
    }
}
