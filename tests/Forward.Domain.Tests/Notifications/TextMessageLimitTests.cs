using Forward.Domain.Notifications;
using FsCheck.Xunit;

namespace Forward.Domain.Tests.Notifications;

public class TextMessageLimitTests
{
    [Fact]
    public void The_room_is_what_Notify_allows_less_the_template_and_the_other_placeholders()
    {
        // A practice name (14 characters) and a request reference (13), as a consultation message carries them.
        Assert.Equal(918 - 160 - 14 - 13, TextMessageLimit.RoomBeside("Anstey Surgery", "FWD-4K7Q-9M2C"));
    }

    [Fact]
    public void Emoji_in_a_placeholder_count_once_each_as_Notify_counts_characters()
    {
        Assert.Equal(918 - 160 - 3, TextMessageLimit.RoomBeside("\U0001F600\U0001F600\U0001F600"));
    }

    [Fact]
    public void A_missing_placeholder_takes_no_room()
    {
        Assert.Equal(918 - 160, TextMessageLimit.RoomBeside(null, string.Empty));
    }

    [Fact]
    public void The_room_is_never_negative()
    {
        Assert.Equal(0, TextMessageLimit.RoomBeside(new string('x', 2000)));
    }

    [Property]
    public bool Free_text_that_fits_the_room_keeps_the_whole_message_within_Notifys_limit(string? first, string? second)
    {
        var room = TextMessageLimit.RoomBeside(first, second);
        var whole = TextMessageLimit.TemplateWords + FreeText.Characters(first) + FreeText.Characters(second) + room;
        return room == 0 ? whole >= TextMessageLimit.NotifyMaximum : whole == TextMessageLimit.NotifyMaximum;
    }
}
