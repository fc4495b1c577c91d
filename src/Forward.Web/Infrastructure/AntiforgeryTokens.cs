using Microsoft.AspNetCore.Antiforgery;

namespace Forward.Web.Infrastructure;

/// <summary>For the pages that check their anti-forgery token themselves (sign-in, sign-out) rather than by the filter.</summary>
public static class AntiforgeryTokens
{
    /// <summary>
    /// Whether the request's token fits this browser and user; null when the form could not be read at all (a NUL in a
    /// value): no browser's form, which the page refuses with 400 as every other page does.
    /// </summary>
    public static async Task<bool?> FitsAsync(IAntiforgery antiforgery, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(antiforgery);
        try
        {
            return await antiforgery.IsRequestValidAsync(http);
        }
        catch (AntiforgeryValidationException)
        {
            return null;
        }
    }
}
