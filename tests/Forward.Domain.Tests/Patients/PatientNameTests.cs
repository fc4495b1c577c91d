using Forward.Domain.Patients;

namespace Forward.Domain.Tests.Patients;

public class PatientNameTests
{
    private static readonly DateOnly Today = new(2026, 6, 8);

    private static Dictionary<string, string> Named(string given, string family) =>
        new PatientDetails("943 476 5919", given, family, new DateOnly(1980, 1, 2), "07700 900982").Validate(Today);

    /// <summary>A name has letters, in any script; digits or punctuation alone were booked as a patient's name.</summary>
    [Fact]
    public void A_patients_names_need_letters_in_any_script()
    {
        Assert.Equal("The patient's first name must contain letters", Named("1234", "Lovelace")["GivenName"]);
        Assert.Equal("The patient's last name must contain letters", Named("Ada", "!!!")["FamilyName"]);
        Assert.Empty(Named("Zoë", "O'Brien-Nguyễn"));
        Assert.Empty(Named("李", "Ó Séaghdha"));
        Assert.Empty(Named("𞤀𞤣𞤢𞤥𞤢", "𞤄𞤢𞤤𞤣𞤫")); // Adlam (Fula): letters outside the BMP, two UTF-16 halves each
        Assert.Empty(Named("𠮷", "Yoshida")); // CJK Extension B
    }
}
