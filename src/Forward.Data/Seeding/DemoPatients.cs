using Forward.Domain.Organisations;
using Forward.Domain.Patients;

namespace Forward.Data.Seeding;

/// <summary>
/// Synthetic demo patients. NHS numbers are in the 999 test range (999 4xx xxxx), phone numbers in Ofcom's drama range
/// (07700 900xxx) and e-mail addresses on example.com, so none can reach a real person.
/// </summary>
public static class DemoPatients
{
    public const int Count = 200;

    /// <summary>Seeded NHS numbers start with these four digits; the next five count up (numbers with no valid check digit are skipped).</summary>
    public const string NhsNumberPrefix = "9994";

    /// <summary>Ages are worked out against this fixed date, so the data never depends on the clock.</summary>
    private static readonly DateOnly Reference = new(2025, 1, 1);

    private static readonly string[] GivenNames =
    [
        "Oliver", "Amelia", "George", "Olivia", "Harry", "Isla", "Jack", "Emily", "Noah", "Sophie", "Leo", "Grace", "Arjun",
        "Priya", "Mohammed", "Aisha", "Yusuf", "Fatima", "Ravi", "Jaspreet", "Tomasz", "Agnieszka", "Kwame", "Ama", "Chinedu",
        "Niamh", "Connor", "Rhys", "Megan", "Margaret", "Dorothy", "Kenneth", "Joan", "Samuel", "Hannah", "Daniel", "Ellie",
        "Zainab", "Imran", "Sunita",
    ];

    private static readonly string[] FamilyNames =
    [
        "Smith", "Jones", "Patel", "Khan", "Williams", "Brown", "Taylor", "Davies", "Evans", "Wilson", "Thomas", "Roberts",
        "Johnson", "Lewis", "Walker", "Robinson", "Wood", "Thompson", "White", "Hughes", "Mistry", "Begum", "Ahmed", "Hussain",
        "Singh", "Kaur", "Shah", "Chauhan", "Kowalski", "Nowak", "Okafor", "Mensah", "Murphy", "O'Brien", "Green", "Hall",
        "Clarke", "Jackson", "Wright", "Turner",
    ];

    private static readonly (string Problems, string Medications)[] ChildRecords =
    [
        ("No significant past history", "No current repeat medication"),
        ("Asthma (diagnosed age 4)", "Salbutamol 100 micrograms inhaler, 2 puffs as required; Beclometasone 100 micrograms inhaler, 2 puffs twice daily"),
        ("Eczema", "Emollient cream, apply as often as needed; Hydrocortisone 1% cream, thinly twice daily for flares"),
        ("Recurrent otitis media", "No current repeat medication"),
    ];

    private static readonly (string Problems, string Medications)[] AdultRecords =
    [
        ("No significant past history", "No current repeat medication"),
        ("Hypertension", "Amlodipine 5 mg once daily"),
        ("Asthma", "Salbutamol 100 micrograms inhaler as required; Clenil Modulite 100 micrograms, 2 puffs twice daily"),
        ("Depression (in remission)", "Sertraline 50 mg once daily"),
        ("Hypothyroidism", "Levothyroxine 100 micrograms once daily"),
        ("Migraine", "Sumatriptan 50 mg as required"),
        ("Type 2 diabetes; Obesity", "Metformin 500 mg twice daily"),
        ("Gastro-oesophageal reflux disease", "Omeprazole 20 mg once daily"),
        ("Generalised anxiety disorder", "No current repeat medication (CBT via talking therapies self-referral)"),
        ("Chronic low back pain", "Naproxen 500 mg twice daily as required; Omeprazole 20 mg once daily"),
    ];

    private static readonly (string Problems, string Medications)[] OlderRecords =
    [
        ("Type 2 diabetes; Hypertension", "Metformin 1 g twice daily; Ramipril 5 mg once daily; Atorvastatin 20 mg at night"),
        ("Atrial fibrillation; Hypertension", "Apixaban 5 mg twice daily; Bisoprolol 2.5 mg once daily"),
        ("COPD; Ex-smoker", "Tiotropium 18 micrograms inhaled once daily; Salbutamol inhaler as required"),
        ("Osteoarthritis of both knees", "Paracetamol 1 g four times daily as required"),
        ("Ischaemic heart disease; Hyperlipidaemia", "Aspirin 75 mg once daily; Atorvastatin 80 mg at night; GTN spray as required"),
        ("Heart failure; Chronic kidney disease stage 3", "Furosemide 40 mg each morning; Ramipril 2.5 mg once daily"),
        ("Dementia (Alzheimer's type)", "Donepezil 10 mg at night"),
        ("Hypothyroidism; Osteoporosis", "Levothyroxine 75 micrograms once daily; Alendronic acid 70 mg weekly; Adcal-D3 twice daily"),
    ];

    private static readonly string[] Allergies =
    [
        "No known drug allergies", "No known drug allergies", "No known drug allergies", "No known drug allergies",
        "No known drug allergies", "Penicillin: rash", "Aspirin: wheeze", "Codeine: vomiting", "Trimethoprim: rash",
        "Latex: contact dermatitis", "Peanuts: anaphylaxis (carries adrenaline auto-injector)",
    ];

    /// <summary>About <see cref="Count"/> patients, registered with practices picked in proportion to list size.</summary>
    public static IReadOnlyList<Patient> Build(IReadOnlyList<Practice> practices)
    {
        ArgumentNullException.ThrowIfNull(practices);
        var patients = new List<Patient>(Count);
        if (practices.Count == 0)
        {
            return patients;
        }

        var random = SeededRandom.For("demo-patients");
        long totalList = practices.Sum(p => (long)p.ListSize);
        var sequence = 0;
        while (patients.Count < Count)
        {
            sequence++;
            var nhsNumber = NhsNumber.FromNineDigits($"{NhsNumberPrefix}{sequence:D5}");
            if (nhsNumber is null)
            {
                continue;
            }

            var practice = PickByListSize(practices, totalList, random);
            var patient = Describe(nhsNumber.Value, patients.Count + 1, random);
            patient.RegisteredPractice = practice;
            patients.Add(patient);
        }

        return patients;
    }

    /// <summary>
    /// A synthetic patient's name, birth date, contact details and record summary; <paramref name="number"/> makes the
    /// phone number (in the 1,000-number drama range) and e-mail address. Shared with <see cref="DemoHistory"/> so both
    /// kinds of demo patient look alike. The caller sets the practice.
    /// </summary>
    internal static Patient Describe(NhsNumber nhsNumber, int number, SeededRandom random)
    {
        var given = random.Pick(GivenNames);
        var family = random.Pick(FamilyNames);
        var ageDays = random.Next(0, 95 * 365);
        var dateOfBirth = Reference.AddDays(-ageDays - 1);
        var age = ageDays / 365;
        var records = age < 16 ? ChildRecords : age < 65 ? AdultRecords : OlderRecords;
        var (problems, medications) = random.Pick(records);
        return new Patient
        {
            NhsNumber = nhsNumber.Value,
            GivenName = given,
            FamilyName = family,
            DateOfBirth = dateOfBirth,
            Phone = $"07700 900{number % 1000:D3}",
            Email = number % 2 == 0 ? $"{Slug(given)}.{Slug(family)}.{number:D3}@example.com" : null,
            SummaryProblems = $"{problems} (synthetic record)",
            SummaryMedications = medications,
            SummaryAllergies = random.Pick(Allergies),
            IsSynthetic = true,
        };
    }

    private static Practice PickByListSize(IReadOnlyList<Practice> practices, long totalList, SeededRandom random)
    {
        var target = (long)(random.NextDouble() * totalList);
        foreach (var practice in practices)
        {
            target -= practice.ListSize;
            if (target < 0)
            {
                return practice;
            }
        }

        return practices[^1];
    }

    private static string Slug(string name) => new(name.ToLowerInvariant().Where(char.IsAsciiLetterLower).ToArray());
}
