using Forward.Domain.Consultation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Forward.Web.Pages.Consult;

/// <summary>
/// Where a red-flag yes lands. Nothing about the patient reached the server except the answers of that one post, and
/// nothing is stored: the page only says where to get help now.
/// </summary>
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class StopModel : PageModel
{
    public RedFlagAdvice Advice { get; private set; } = RedFlagAdvice.Call999;

    public void OnGet(string? advice)
    {
        // Anything unknown gets the most urgent advice: never the least.
        Advice = Enum.TryParse<RedFlagAdvice>(advice, ignoreCase: false, out var a) && Enum.IsDefined(a) ? a : RedFlagAdvice.Call999;
    }
}
