using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Forward.Web.Notifications;

/// <summary>
/// Signed, expiring tokens for the cancel link in a patient's messages. The token names one appointment and expires at
/// its start. It is protected by ASP.NET Data Protection with a lifetime (so a tampered or stale token fails to
/// unprotect) and also carries the expiry, checked against Forward's clock.
/// </summary>
public sealed class PatientCancelLinks(IDataProtectionProvider protection, TimeProvider clock, IOptions<NotificationOptions> options)
{
    public const string PagePath = "/Patient/Cancel";
    private readonly ITimeLimitedDataProtector protector = protection.CreateProtector("Forward.PatientCancelLink.v1").ToTimeLimitedDataProtector();

    public string CreateToken(long appointmentId, DateTime expiresUtc)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var lifetime = expiresUtc > now ? expiresUtc - now : TimeSpan.Zero;
        var payload = string.Create(CultureInfo.InvariantCulture, $"{appointmentId}|{expiresUtc.Ticks}");

        // The protector's own lifetime runs on the wall clock; the payload's expiry runs on Forward's clock. Both must hold.
        return protector.Protect(payload, lifetime + TimeSpan.FromMinutes(5));
    }

    public string CreateUrl(long appointmentId, DateTime expiresUtc) =>
        $"{options.Value.PublicBaseUrl.TrimEnd('/')}{PagePath}?token={Uri.EscapeDataString(CreateToken(appointmentId, expiresUtc))}";

    /// <summary>The appointment the token names, or null if the token is forged, tampered with or expired.</summary>
    public long? Verify(string? token)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 2000)
        {
            return null;
        }

        string payload;
        try
        {
            payload = protector.Unprotect(token, out _);
        }
        catch (CryptographicException)
        {
            return null;
        }
        catch (FormatException)
        {
            return null;
        }

        var parts = payload.Split('|');
        if (parts.Length != 2
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var appointmentId)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var expiryTicks))
        {
            return null;
        }

        return clock.GetUtcNow().UtcDateTime.Ticks < expiryTicks ? appointmentId : null;
    }
}
