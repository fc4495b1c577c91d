using Forward.Domain.Access;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Forward.Web.Pages;

/// <summary>A task on the start page: what it is, who it is for in a sentence, and where it lives.</summary>
public sealed record StartTask(string Title, string Description, string Path);

/// <summary>The start page: what Forward is for anyone, and the tasks each role can do once signed in.</summary>
public sealed class IndexModel : PageModel
{
    public bool IsSignedIn { get; private set; }

    public string? DisplayName { get; private set; }

    public IReadOnlyList<StartTask> Tasks { get; private set; } = [];

    public void OnGet()
    {
        IsSignedIn = User.Identity?.IsAuthenticated == true;
        if (!IsSignedIn)
        {
            return;
        }

        DisplayName = SiteNavigation.DisplayName(User);
        Tasks = TasksFor(User);
    }

    /// <summary>Only tasks the user's role may do; each page still enforces its own authorisation.</summary>
    public static IReadOnlyList<StartTask> TasksFor(System.Security.Claims.ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var tasks = new List<StartTask>();
        if (user.IsInRole(Roles.PracticeStaff))
        {
            tasks.Add(new("Find and book a hub appointment", "Find a free evening or weekend slot at the hubs that serve your practice and book it for your patient.", "/Booking/Find"));
            tasks.Add(new("Find an appointment", "Find your practice's patients' hub appointments by NHS number or date, to check or cancel them.", "/Appointments"));
        }

        if (user.IsInRole(Roles.Nhs111))
        {
            tasks.Add(new("Find and book a hub appointment", "Book a caller into a hub that serves their registered practice, on the day or a short time ahead.", "/Booking/Find"));
            tasks.Add(new("Find an appointment", "Find the appointments your organisation booked, by NHS number or date, to check or cancel them for a caller.", "/Appointments"));
        }

        if (user.IsInRole(Roles.HubClinician))
        {
            tasks.Add(new("See the day list", "Your hub's appointments for the day: open a patient's record where they consented, and record attended or did not attend.", "/Hubs/DayList"));
            tasks.Add(new("Find and book a hub appointment", "Book a patient into a free slot at your hub.", "/Booking/Find"));
            tasks.Add(new("Find an appointment", "Find your hub's appointments by NHS number or date, on any day.", "/Appointments"));
        }

        if (user.IsInRole(Roles.Commissioner))
        {
            tasks.Add(new("Hubs and rotas", "Set up hubs, their sessions and the practices each hub serves.", "/Admin/Hubs"));
            tasks.Add(new("Audit log", "Search who booked, cancelled or opened a patient's record, and when.", "/Audit"));
        }

        return tasks;
    }
}
