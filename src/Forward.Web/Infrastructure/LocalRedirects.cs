using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Mvc;

namespace Forward.Web.Infrastructure;

/// <summary>
/// Addresses a user gives for where to go next (the sign-in page's ReturnUrl), made fit for a redirect. The one place
/// every page that sends the browser to such an address takes it from.
/// </summary>
public static class LocalRedirects
{
    /// <summary>
    /// <paramref name="address"/> if it is local, with every character a Location header cannot carry (anything but
    /// printable ASCII) percent-encoded as UTF-8, as a browser encodes an address typed into it; null if it is not local.
    /// <c>Url.IsLocalUrl</c> accepts "/Appointments?q=é", but Kestrel refuses to write "é" into a header and answers 500
    /// after the page's work is done, so a sign-in with a correct password failed and signed nobody in. Encoded, the
    /// user lands where they meant to go.
    /// </summary>
    public static string? Safe(IUrlHelper url, string? address)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (address is null || !url.IsLocalUrl(address))
        {
            return null;
        }

        var encoded = new StringBuilder(address.Length);
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in address.EnumerateRunes())
        {
            if (rune.Value is > ' ' and < 0x7F)
            {
                encoded.Append((char)rune.Value);
                continue;
            }

            // A lone surrogate comes through as U+FFFD, so what is written is always valid UTF-8.
            var length = rune.EncodeToUtf8(utf8);
            foreach (var b in utf8[..length])
            {
                encoded.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        // Only characters after the leading "/" or "~/" change, and only into "%XX", so this holds; checked all the same.
        var safe = encoded.ToString();
        return url.IsLocalUrl(safe) ? safe : null;
    }
}
