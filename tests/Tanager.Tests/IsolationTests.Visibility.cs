using System.Net;
using Tanager.Client;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>
/// Issue 10, Done-when #5: a public channel hidden from the member role by a <c>view_channels</c> deny override. REST
/// answers 404 to a member who is not in it; the gateway and SSE must not describe it to them either, whatever happens to
/// it (rename, topic, messages, overrides, archive, typing), while its own members hear all of it.
/// </summary>
public sealed partial class IsolationTests
{
    /// <summary>A word in the hidden channel's name, topic and messages; it must never reach Erin.</summary>
    private const string HiddenWord = "quokka";

    [Theory]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task A_channel_hidden_from_a_role_by_an_override_is_never_described_to_that_role_on_the_gateway_or_SSE(TestStorage storage)
    {
        await using var server = await TestServer.StartAsync(storage, o => o.Gateway.HeartbeatInterval = TimeSpan.FromMinutes(5));
        using var http = new HttpClient();
        var alice = await server.NewUserAsync("Alice");
        var carol = await server.NewUserAsync("Carol");
        var erin = await server.NewUserAsync("Erin");
        var fay = await server.NewUserAsync("Fay");
        var a = await alice.CreateWorkspaceAsync("Alpha");
        await alice.AddWorkspaceMemberByIdAsync(a.Id, carol.User!.Id, "admin");
        await alice.AddWorkspaceMemberByIdAsync(a.Id, erin.User!.Id);
        await alice.AddWorkspaceMemberByIdAsync(a.Id, fay.User!.Id);
        var general = await alice.CreateChannelAsync(a.Id, "general");
        await erin.JoinChannelAsync(a.Id, general.Id);
        var hidden = await carol.CreateChannelAsync(a.Id, "ops-room");
        // Fay is in the channel: members always see their channels, whatever the overrides say.
        await carol.AddChannelMemberAsync(a.Id, hidden.Id, fay.User!.Id);
        await carol.SetChannelOverrideAsync(a.Id, hidden.Id, "member", [], ["view_channels"]);

        var erinFeed = await Feed.ConnectAsync(erin);
        var fayFeed = await Feed.ConnectAsync(fay);
        await using var sse = await SseFeed.OpenAsync(http, server.Url, erin.Token!, $"{general.Id}:0");
        Assert.True(await sse.Events.UntilContainsAsync("READY"), "Erin's SSE stream never got READY.");
        var refused = await Assert.ThrowsAsync<TanagerApiException>(() => erin.GetChannelAsync(a.Id, hidden.Id));
        Assert.Equal((int)HttpStatusCode.NotFound, refused.Status);

        // Everything that can happen to the channel while it stays hidden from members.
        await carol.UpdateChannelAsync(a.Id, hidden.Id, name: $"{HiddenWord}-ops", topic: $"{HiddenWord} topic", description: $"{HiddenWord} description");
        var message = await carol.PostMessageAsync(a.Id, hidden.Id, $"{HiddenWord} message");
        await carol.AddReactionAsync(a.Id, hidden.Id, message.Id, "👀");
        await carol.SetChannelOverrideAsync(a.Id, hidden.Id, "member", [], ["view_channels", "send_messages"]);
        await carol.SetChannelOverrideAsync(a.Id, hidden.Id, "guest", [], ["add_reactions"]);
        await carol.ArchiveChannelAsync(a.Id, hidden.Id);
        await carol.UnarchiveChannelAsync(a.Id, hidden.Id);
        await carol.Gateway.ConnectAsync().Within();
        await carol.Gateway.SendTypingAsync(a.Id, hidden.Id);
        Assert.True(await fayFeed.UntilContainsAsync($"{HiddenWord} topic"), "Fay, a member of the channel, did not get its CHANNEL_UPDATE.");
        Assert.True(await fayFeed.UntilContainsAsync(message.Id), "Fay did not get the channel's MESSAGE_CREATE.");
        Assert.True(await fayFeed.UntilContainsAsync("\"archived_at\""), "Fay did not get the archive.");

        // A fence: once a later event of the workspace reached Erin's connections, everything before it has too.
        var fence = await alice.PostMessageAsync(a.Id, general.Id, "fence");
        Assert.True(await erinFeed.UntilContainsAsync(fence.Id), "Erin's gateway did not get the fence.");
        Assert.True(await sse.Events.UntilContainsAsync(fence.Id), "Erin's SSE stream did not get the fence.");
        var failures = new List<string>();
        foreach (var (name, events) in new[] { ("gateway", erinFeed.Snapshot()), ("SSE", sse.Events.ToList()) })
        {
            failures.AddRange(events
                .Where(text => text.Contains(hidden.Id, StringComparison.Ordinal) || text.Contains(HiddenWord, StringComparison.Ordinal))
                .Select(text => $"Erin's {name} connection was told of the hidden channel: {text}"));
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));

        // Lifting the override shows the channel to members (CHANNEL_CREATE); hiding it again takes it away (CHANNEL_DELETE).
        await carol.RemoveChannelOverrideAsync(a.Id, hidden.Id, "member");
        Assert.True(await erinFeed.UntilContainsAsync("CHANNEL_CREATE " + "{\"id\":\"" + hidden.Id), "Erin was not shown the channel once she may see it.");
        Assert.True(await sse.Events.UntilContainsAsync(hidden.Id), "Erin's SSE stream was not shown the channel once she may see it.");
        await carol.SetChannelOverrideAsync(a.Id, hidden.Id, "member", [], ["view_channels"]);
        Assert.True(await erinFeed.UntilContainsAsync("CHANNEL_DELETE"), "Erin was not told the channel is gone once hidden again.");
        await carol.UpdateChannelAsync(a.Id, hidden.Id, topic: "after hiding again");
        var secondFence = await alice.PostMessageAsync(a.Id, general.Id, "second fence");
        Assert.True(await erinFeed.UntilContainsAsync(secondFence.Id), "Erin's gateway did not get the second fence.");
        Assert.DoesNotContain(erinFeed.Snapshot(), text => text.Contains("after hiding again", StringComparison.Ordinal));
        Assert.True(await fayFeed.UntilContainsAsync("after hiding again"), "Fay did not get the topic change.");
    }
}
