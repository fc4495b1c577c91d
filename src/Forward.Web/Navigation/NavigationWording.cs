using Forward.Domain.Consultation;
using Forward.Domain.Navigation;
using Microsoft.AspNetCore.Mvc.Rendering;

namespace Forward.Web.Navigation;

/// <summary>The words the navigation and measures pages use for the domain's codes, in one place so pages and CSV agree.</summary>
public static class NavigationWording
{
    public static string Category(ServiceCategory category) => category switch
    {
        ServiceCategory.CommunityPharmacy => "Community pharmacy",
        ServiceCategory.Optician => "Optician",
        ServiceCategory.PhysioSelfReferral => "Physiotherapy (self-referral)",
        ServiceCategory.TalkingTherapies => "Talking therapies (IAPT)",
        ServiceCategory.SocialPrescribing => "Social prescribing",
        ServiceCategory.SexualHealth => "Sexual health",
        ServiceCategory.MinorInjuries => "Minor injuries",
        ServiceCategory.ExtendedAccessHub => "Extended-access hub",
        ServiceCategory.Nhs111 => "NHS 111",
        _ => "Other",
    };

    /// <summary>
    /// What a navigator may type to find a category's services besides the services' own words: the category's name as
    /// the page shows it, and the needs it meets in everyday words (lower case).
    /// </summary>
    public static string SearchTerms(ServiceCategory category) => (Category(category) + " " + category switch
    {
        ServiceCategory.CommunityPharmacy => "pharmacist chemist prescription medicine medication minor ailment illness sore throat cough cold earache hay fever rash",
        ServiceCategory.Optician => "eye sight glasses vision",
        ServiceCategory.PhysioSelfReferral => "physio muscle joint back pain sprain",
        ServiceCategory.TalkingTherapies => "mental health low mood anxiety depression stress counselling",
        ServiceCategory.SocialPrescribing => "loneliness isolation housing money debt benefits carer",
        ServiceCategory.SexualHealth => "contraception sti",
        ServiceCategory.MinorInjuries => "injury cut burn sprain fracture walk-in",
        ServiceCategory.ExtendedAccessHub => "gp appointment evening weekend",
        ServiceCategory.Nhs111 => "urgent out of hours",
        _ => string.Empty,
    }).ToLowerInvariant();

    public static string Reason(SignpostingReason reason) => reason switch
    {
        SignpostingReason.MinorAilment => "Minor ailment",
        SignpostingReason.MedicationAdvice => "Medication advice",
        SignpostingReason.EyeProblem => "Eye problem",
        SignpostingReason.MusculoskeletalProblem => "Muscle, joint or back problem",
        SignpostingReason.LowMoodOrAnxiety => "Low mood or anxiety",
        SignpostingReason.SocialOrPracticalNeed => "Social or practical need",
        SignpostingReason.SexualHealth => "Sexual health",
        SignpostingReason.MinorInjury => "Minor injury",
        SignpostingReason.UrgentOutOfHours => "Urgent, out of hours",
        SignpostingReason.RoutineAppointmentElsewhere => "Routine appointment elsewhere",
        _ => "Other",
    };

    public static string Outcome(ConsultationOutcome outcome) => outcome switch
    {
        ConsultationOutcome.SelfCare => "Self-care advice",
        ConsultationOutcome.Pharmacy => "Pharmacy",
        ConsultationOutcome.BookAppointment => "Appointment booked",
        ConsultationOutcome.Prescription => "Prescription",
        ConsultationOutcome.SignpostedElsewhere => "Signposted elsewhere",
        _ => "Closed",
    };

    public static IReadOnlyList<SelectListItem> CategoryOptions() =>
        [new("All categories", string.Empty), .. Enum.GetValues<ServiceCategory>().Select(c => new SelectListItem(Category(c), c.ToString()))];

    public static IReadOnlyList<SelectListItem> ReasonOptions() =>
        Enum.GetValues<SignpostingReason>().Select(r => new SelectListItem(Reason(r), r.ToString())).ToList();
}
