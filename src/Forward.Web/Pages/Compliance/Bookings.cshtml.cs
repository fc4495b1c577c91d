using System.Globalization;
using System.Runtime.CompilerServices;
using CsvHelper;
using Forward.Domain;
using Forward.Domain.Access;
using Forward.Domain.Compliance;
using Forward.Domain.Time;
using Forward.Web.Access;
using Forward.Web.Compliance;
using Forward.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Forward.Web.Pages.Compliance;

/// <summary>One appointment behind a figure, as CSV (no patient identity).</summary>
/// <remarks>
/// StartUtc and BookedUtc are there as well as the London times: London's times repeat in the October hour, for a 24/7
/// hub's slots and for any booking made then.
/// </remarks>
[CsvRecord]
public sealed partial record ComplianceBookingCsvRow(long AppointmentId, string StartLondon, string BookedLondon, string Hub, string? Session, string Practice, string Status, string Channel, string? Mode, string StartUtc, string BookedUtc)
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
            b.Mode.ToString(),
            Iso(b.StartUtc),
            Iso(b.CreatedUtc));
    }

    private static string Iso(DateTime utc) => DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
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
        await LoadAsync(async (level, id, range, actor) => Bookings = await queries.BookingsAsync(level, id, range, Session, actor, cancellationToken)) ?? Page();

    /// <summary>Every appointment of the list (the page shows the first <see cref="ComplianceQueries.MaxBookingRows"/>), streamed.</summary>
    public async Task<IActionResult> OnGetCsvAsync(CancellationToken cancellationToken)
    {
        ComplianceBookingExport? all = null;
        var refused = await LoadAsync(async (level, id, range, actor) => all = await queries.AllBookingsAsync(level, id, range, Session, actor, cancellationToken));
        if (refused is not null || all is null)
        {
            return refused ?? Page();
        }

        var fileName = string.Create(CultureInfo.InvariantCulture, $"forward-bookings-{ComplianceApi.LevelName(all.Entity.Level)}-{all.Entity.Id}-{Wording.Iso(all.Range.From)}-{Wording.Iso(all.Range.To)}.csv");
        await CsvDownload.WriteAsync(Response, fileName, Rows(all.Rows, cancellationToken), cancellationToken);
        return new EmptyResult();
    }

    private static async IAsyncEnumerable<ComplianceBookingCsvRow> Rows(IAsyncEnumerable<ComplianceBooking> bookings, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var booking in bookings.WithCancellation(cancellationToken))
        {
            yield return ComplianceBookingCsvRow.Create(booking);
        }
    }

    /// <summary>Validates the scope and dates and runs <paramref name="load"/>; a refusal as the page's answer, or null.</summary>
    private async Task<IActionResult?> LoadAsync(Func<ComplianceLevel, int, DateRange, Actor, Task> load)
    {
        // A value that did not even bind (a date like 2026-13-01): a page error too, in words, as there is no field.
        ModelState.MoveBindingErrorToPage(nameof(From), "The start date in the address is not a real date");
        ModelState.MoveBindingErrorToPage(nameof(To), "The end date in the address is not a real date");
        ModelState.MoveBindingErrorToPage(nameof(Session), ComplianceQueries.SessionAddressNotValid);
        if (!ModelState.IsValid)
        {
            return null;
        }

        if (!IndexModel.TryParseScope(Scope, out var levelName, out var id))
        {
            // Whole-page errors: this page has no form, so there is no field to link to.
            ModelState.AddModelError(string.Empty, "Open this list from the access dashboard");
            return null;
        }

        try
        {
            var level = ComplianceApi.ParseLevel(levelName);
            var range = queries.Range(From, To);
            await load(level, id, range, Actor.From(User));
            return null;
        }
        catch (ValidationFailedException invalid)
        {
            foreach (var message in invalid.Errors.Values)
            {
                ModelState.AddModelError(string.Empty, message);
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
