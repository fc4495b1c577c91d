using Forward.Domain.Calendar;
using Forward.Domain.Hubs;
using FsCheck.Xunit;

namespace Forward.Domain.Tests.Hubs;

/// <summary>
/// A session's life as random steps: its slot length, start, role or mode changed; a free slot booked; a booked slot
/// cancelled. After each step the planner reconciles, as it does after a rota change, a cancellation and every horizon
/// refresh, and its result is applied as the planner applies it.
/// </summary>
public class SlotReconcilerPropertyTests
{
    private static readonly DateOnly Day = new(2026, 1, 12);
    private static readonly DateTime Now = new(2026, 1, 12, 9, 0, 0, DateTimeKind.Utc);
    private static readonly int[] Lengths = [10, 15, 20, 30];
    private static readonly TimeOnly[] Starts = [new(18, 30), new(18, 40), new(18, 45), new(19, 0)];

    [Property(MaxTest = 300)]
    public bool No_clinician_is_offered_overlapping_slots_and_every_free_slot_has_the_rota_s_shape(int[] steps)
    {
        var session = new Session
        {
            Id = 7,
            HubId = 3,
            Name = "Evening clinic",
            Days = SessionDays.Weekdays,
            StartTime = Starts[0],
            EndTime = new TimeOnly(20, 30),
            Role = ClinicianRole.GeneralPractitioner,
            Mode = DeliveryMode.FaceToFace,
            SlotMinutes = 15,
            Clinicians = 2,
            ValidFrom = new DateOnly(2026, 1, 1),
        };
        var stored = new List<StoredSlot>();
        Plan(session, stored);
        foreach (var step in steps)
        {
            var choice = (int)((uint)step / 5);
            switch ((uint)step % 5)
            {
                case 0:
                    session.SlotMinutes = Lengths[choice % Lengths.Length];
                    break;
                case 1:
                    session.StartTime = Starts[choice % Starts.Length];
                    break;
                case 2:
                    session.Role = choice % 2 == 0 ? ClinicianRole.GeneralPractitioner : ClinicianRole.PracticeNurse;
                    session.Mode = choice / 2 % 2 == 0 ? DeliveryMode.FaceToFace : DeliveryMode.Video;
                    break;
                case 3:
                    SetStatusOfOne(stored, SlotStatus.Free, SlotStatus.Booked, choice);
                    break;
                default:
                    SetStatusOfOne(stored, SlotStatus.Booked, SlotStatus.Free, choice);
                    break;
            }

            var bookedBefore = stored.Where(s => s.Status == SlotStatus.Booked).ToList();
            var planned = Plan(session, stored);
            var plannedByKey = planned.ToDictionary(p => p.Key);
            var open = stored.Where(s => s.Status != SlotStatus.Withdrawn).ToList();
            var overlapping = open.Any(a => open.Any(b => a.Id < b.Id && a.Key.SessionId == b.Key.SessionId && a.Key.ClinicianIndex == b.Key.ClinicianIndex
                && a.Key.StartUtc < b.EndUtc && b.Key.StartUtc < a.EndUtc));
            var misshapen = stored.Any(s => s.Status == SlotStatus.Free && !(plannedByKey.TryGetValue(s.Key, out var p) && s.HasShapeOf(p)));
            var bookedKept = bookedBefore.SequenceEqual(stored.Where(s => s.Status == SlotStatus.Booked));
            if (overlapping || misshapen || !bookedKept)
            {
                return false;
            }
        }

        return true;
    }

    private static void SetStatusOfOne(List<StoredSlot> stored, SlotStatus from, SlotStatus to, int choice)
    {
        var candidates = stored.Select((s, i) => (s, i)).Where(x => x.s.Status == from).ToList();
        if (candidates.Count > 0)
        {
            var (slot, index) = candidates[choice % candidates.Count];
            stored[index] = slot with { Status = to };
        }
    }

    /// <summary>Reconciles the stored slots with the session and applies the result in the planner's order.</summary>
    private static List<PlannedSlot> Plan(Session session, List<StoredSlot> stored)
    {
        var planned = SlotGenerator.Generate(session, Day, Day, BankHolidayCalendar.England).ToList();
        var result = SlotReconciler.Reconcile(planned, stored, Now);
        var nextId = stored.Count == 0 ? 1 : stored.Max(s => s.Id) + 1;
        stored.AddRange(result.ToAdd.Select(p => new StoredSlot(nextId++, p.Key, p.EndUtc, p.Role, p.Mode, SlotStatus.Free)));
        for (var i = 0; i < stored.Count; i++)
        {
            var slot = stored[i];
            if (slot.Status == SlotStatus.Free && result.ToWithdraw.Contains(slot.Id))
            {
                slot = slot with { Status = SlotStatus.Withdrawn };
            }
            else if (slot.Status == SlotStatus.Withdrawn && result.ToRestore.Contains(slot.Id))
            {
                slot = slot with { Status = SlotStatus.Free };
            }

            if (slot.Status != SlotStatus.Booked && result.ToReshape.FirstOrDefault(r => r.SlotId == slot.Id) is { Plan: { } plan })
            {
                slot = slot with { EndUtc = plan.EndUtc, Role = plan.Role, Mode = plan.Mode };
            }

            stored[i] = slot;
        }

        return planned;
    }
}
