using Forward.Domain.Patients;

namespace Forward.Domain.Tests.Patients;

public class UkPhoneNumberTests
{
    [Theory]
    [InlineData("+44 7700 900982", "07700900982")]
    [InlineData("07700-900-982", "07700900982")]
    [InlineData("0770090098", null)]
    [InlineData("+44 (0)7700 900982", "07700900982")] // as printed on many letterheads
    [InlineData("0044 7700 900982", "07700900982")] // the international prefix dialled from abroad
    [InlineData("+44 (0)1632 960001", null)] // a landline
    [InlineData("0044 07700 90098", null)]
    public void Mobiles_are_normalised(string input, string? expected) =>
        Assert.Equal(expected, UkPhoneNumber.Mobile(input));
}
