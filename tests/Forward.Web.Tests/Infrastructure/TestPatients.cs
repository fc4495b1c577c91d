using System.Globalization;
using Forward.Domain.Patients;

namespace Forward.Web.Tests.Infrastructure;

/// <summary>Fresh, valid NHS numbers from the 999 test range, and booking bodies built around them.</summary>
public static class TestPatients
{
    private static int next = 100000;

    public static string NewNhsNumber()
    {
        while (true)
        {
            var nine = "999" + Interlocked.Increment(ref next).ToString("D6", CultureInfo.InvariantCulture);
            if (NhsNumber.FromNineDigits(nine) is { } n)
            {
                return n.Value;
            }
        }
    }

    public static object Patient(string? nhsNumber = null, string familyName = "Testperson", string phone = "07700 900123") => new
    {
        nhsNumber = nhsNumber ?? NewNhsNumber(),
        givenName = "Alex",
        familyName,
        dateOfBirth = "1980-05-17",
        phone,
    };

    public static object Booking(long slotId, string? practiceOds = null, string? nhsNumber = null, string consent = "Granted", string? reason = "Cough for three weeks", string phone = "07700 900123") => new
    {
        slotIds = new[] { slotId },
        patient = Patient(nhsNumber, phone: phone),
        registeredPracticeOds = practiceOds,
        reason,
        consent,
    };
}
