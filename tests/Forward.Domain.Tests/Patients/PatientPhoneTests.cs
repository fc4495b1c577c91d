using Forward.Domain.Patients;

namespace Forward.Domain.Tests.Patients;

public class PatientPhoneTests
{
    private static readonly DateOnly Today = new(2026, 6, 8);

    private static Dictionary<string, string> Errors(string phone) =>
        new PatientDetails("943 476 5919", "Ada", "Lovelace", new DateOnly(1980, 1, 2), phone).Validate(Today);

    /// <summary>
    /// The booking form asks for a UK number: the hub may call a landline, so one is kept, but a number of another
    /// country is neither callable as one nor textable, and is refused on the field rather than booked.
    /// </summary>
    [Fact]
    public void A_booking_phone_is_any_uk_number_and_no_other_countrys()
    {
        string[] uk = ["07700 900982", "01632 960001", "0116 000 0000", "016977 1234", "+44 7700 900982", "+44 (0)1632 960001", "0044 20 7946 0000", "(020) 7946-0000"];
        string[] abroad = ["+1 212 555 0100", "001 212 555 0100", "1 212 555 0100", "+33 6 12 34 56 78", "+353 87 123 4567", "0033 6 12 34 56 78"];

        Assert.All(abroad, phone =>
        {
            var errors = Errors(phone);
            Assert.Equal(["Phone"], errors.Keys);
            Assert.Equal("Enter a UK phone number, like 07700 900 982 or 01632 960 001", errors["Phone"]);
        });
        Assert.All(uk, phone => Assert.Empty(Errors(phone)));
    }
}
