using System.Text.Json;
using Tanager.Client;
using Tanager.Protocol;
using Tanager.Server;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

public sealed partial class WorkspaceArchiveTests
{
    /// <summary>What the workspace holds besides the room: the channels whose history is compared, and the direct message.</summary>
    private sealed record RichWorkspace(ChatRoom Room, IReadOnlyList<ChannelDto> Channels, ChannelDto Direct)
    {
        public WorkspaceDto Workspace => Room.Workspace;
    }

    /// <summary>Through the REST API: a row in every archived table, and each kind of change a message can have.</summary>
    private static async Task<RichWorkspace> BuildRichWorkspaceAsync(TestServer server)
    {
        var room = await ChatRoom.CreateAsync(server, members: 2);
        var (owner, alice, bob) = (room.Owner, room.Members[0], room.Members[1]);
        var ws = room.Workspace.Id;
        var general = room.Channel.Id;

        var first = await owner.PostMessageAsync(ws, general, $"hello <@{alice.User!.Id}>");
        var edited = await alice.PostMessageAsync(ws, general, "tpyo");
        await alice.EditMessageAsync(ws, general, edited.Id, "typo fixed");
        var deleted = await bob.PostMessageAsync(ws, general, "oops");
        await bob.DeleteMessageAsync(ws, general, deleted.Id);
        var reply = await alice.ReplyAsync(ws, general, first.Id, "in a thread");
        await bob.FollowThreadAsync(ws, general, first.Id);
        await bob.AddReactionAsync(ws, general, first.Id, "👍");
        await alice.AddReactionAsync(ws, general, first.Id, "🎉");
        await alice.AddReactionAsync(ws, general, reply.Id, "👍");
        await alice.RemoveReactionAsync(ws, general, reply.Id, "👍");
        await owner.PinMessageAsync(ws, general, first.Id);
        await alice.MarkReadAsync(ws, general, first.Sequence);
        await bob.MarkReadAsync(ws, general, reply.Sequence);
        await using (var content = new MemoryStream("meeting notes"u8.ToArray()))
        {
            var file = await alice.UploadAsync(ws, general, content, "notes.txt", "text/plain");
            await alice.PostMessageAsync(ws, general, "see the notes", [file.Id]);
        }
        await owner.CreateIncomingWebhookAsync(ws, general, "Deploys");
        var helper = await owner.CreateBotAsync(ws, "Helper");
        await owner.RegisterCommandAsync(ws, "deploy", "Deploy a branch", "[branch]", botId: helper.User.Id);

        var secret = await owner.CreateChannelAsync(ws, "secret", "private", "only some");
        await owner.AddChannelMemberAsync(ws, secret.Id, alice.User.Id);
        await owner.SetChannelOverrideAsync(ws, secret.Id, "member", allow: [], deny: ["add_reactions"]);
        await alice.PostMessageAsync(ws, secret.Id, "private words");
        var old = await owner.CreateChannelAsync(ws, "old", topic: "the past");
        await owner.PostMessageAsync(ws, old.Id, "before the archive");
        await owner.ArchiveChannelAsync(ws, old.Id);
        var direct = await alice.OpenDirectMessageAsync(ws, bob.User!.Id);
        await alice.PostMessageAsync(ws, direct.Id, "psst");
        await bob.MarkReadAsync(ws, direct.Id, 1);
        return new RichWorkspace(room, [room.Channel, secret, old], direct);
    }

    /// <summary>The copy's REST API answers every member as the original's does: history, pins, reactions, read states, threads.</summary>
    /// <param name="resetPasswords">Whether the copy's accounts need their passwords set again (an import carries none; migrate-data carries the hashes).</param>
    private static async Task AssertReadsTheSameAsync(RichWorkspace rich, TestServer source, TestServer copy, ServerSettings copySettings, bool microseconds, bool resetPasswords = true)
    {
        var room = rich.Room;
        var ws = rich.Workspace.Id;
        foreach (var member in resetPasswords ? new[] { room.Owner, room.Members[0], room.Members[1] } : [])
        {
            // Imported accounts have no password: the operator gives them one (here the one they had).
            await CommandLine.RunAsync(["admin", "reset-password", .. StoreArguments(copySettings), member.User!.Email!, "--password", Password]);
        }
        await using var owner = await TanagerClient.LoginAsync(copy.Url, room.Owner.User!.Email!, Password);
        await using var alice = await TanagerClient.LoginAsync(copy.Url, room.Members[0].User!.Email!, Password);
        await using var bob = await TanagerClient.LoginAsync(copy.Url, room.Members[1].User!.Email!, Password);
        var pairs = new[] { (room.Owner, owner), (room.Members[0], alice), (room.Members[1], bob) };
        Assert.NotEqual(source.Url, copy.Url);

        var context = TanagerJsonContext.Default;
        foreach (var (before, after) in pairs)
        {
            await AssertSameAsync(c => c.ListChannelsAsync(ws), context.IReadOnlyListChannelDto, before, after, microseconds);
            await AssertSameAsync(c => c.GetReadStatesAsync(ws), context.ReadStateList, before, after, microseconds);
            await AssertSameAsync(c => c.ListFollowedThreadsAsync(ws), context.IReadOnlyListThreadDto, before, after, microseconds);
            await AssertSameAsync(c => c.ListDirectMessagesAsync(ws), context.IReadOnlyListChannelDto, before, after, microseconds);
            await AssertSameAsync(c => c.GetMentionsAsync(ws), context.SearchResults, before, after, microseconds);
        }
        await AssertSameAsync(c => c.ListWorkspaceMembersAsync(ws), context.IReadOnlyListWorkspaceMemberDto, room.Owner, owner, microseconds);
        await AssertSameAsync(c => c.ListCommandsAsync(ws), context.IReadOnlyListSlashCommandDto, room.Owner, owner, microseconds);
        Assert.Equal(["deploy"], (await owner.ListCommandsAsync(ws)).Select(c => c.Name));
        foreach (var channel in rich.Channels)
        {
            await AssertSameAsync(c => c.GetMessagesWithRepliesAsync(ws, channel.Id), context.MessagePage, room.Owner, owner, microseconds);
            await AssertSameAsync(c => c.ListPinsAsync(ws, channel.Id), context.IReadOnlyListMessageDto, room.Owner, owner, microseconds);
        }
        await AssertSameAsync(c => c.GetMessagesWithRepliesAsync(ws, rich.Direct.Id), context.MessagePage, room.Members[0], alice, microseconds);
        await AssertSameAsync(c => c.SearchAsync(ws, "typo"), context.SearchResults, room.Members[0], alice, microseconds);
        var history = await owner.GetMessagesWithRepliesAsync(ws, room.Channel.Id);
        Assert.Contains(history.Messages, m => m.Content == "typo fixed" && m.EditedAt is not null);
        Assert.Contains(history.Messages, m => m.DeletedAt is not null);
    }

    private static async Task AssertSameAsync<T>(Func<TanagerClient, Task<T>> read, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, TanagerClient before, TanagerClient after, bool microseconds)
    {
        var expected = JsonSerializer.Serialize(await read(before), type);
        var actual = JsonSerializer.Serialize(await read(after), type);
        Assert.Equal(microseconds ? Microseconds(expected) : expected, microseconds ? Microseconds(actual) : actual);
    }
}
