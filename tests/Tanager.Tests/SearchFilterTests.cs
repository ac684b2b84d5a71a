using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NUlid;
using Tanager.Client;
using Tanager.Internal;
using Tanager.Protocol;
using Tanager.Tests.Infrastructure;

namespace Tanager.Tests;

/// <summary>
/// Search filters (<c>in:#channel</c>, <c>from:@user</c>, <c>before:</c>/<c>after:</c>, <c>is:thread</c>/<c>is:root</c>)
/// end to end through Tanager.Client on SQLite and PostgreSQL, and the @channel/@here permission; plus the query parser's properties.
/// </summary>
public sealed class SearchFilterTests
{
    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static async Task<List<string>> FindAsync(TanagerClient client, string workspaceId, string q) =>
        [.. (await client.SearchAsync(workspaceId, q)).Messages.Select(m => m.Content)];

    private static async Task<(int Status, string Code)> RefusalAsync(Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<TanagerApiException>(call);
        return (error.Status, error.Code);
    }

    [Theory]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task Filters_narrow_search_to_channels_authors_dates_and_threads_the_caller_may_read(TestStorage storage)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await using var server = await TestServer.StartAsync(storage);
        var room = await ChatRoom.CreateAsync(server, members: 2);
        var (ws, general) = (room.Workspace.Id, room.Channel.Id);
        var (ann, bob) = (room.Members[0], room.Members[1]);
        var random = await room.Owner.CreateChannelAsync(ws, "random");
        var secret = await room.Owner.CreateChannelAsync(ws, "secret", kind: "private");
        var alpha = await ann.PostMessageAsync(ws, general, "deploy alpha");
        await bob.PostMessageAsync(ws, general, "deploy beta");
        await bob.ReplyAsync(ws, general, alpha.Id, "deploy gamma");
        await room.Owner.PostMessageAsync(ws, random.Id, "deploy delta");
        await room.Owner.PostMessageAsync(ws, secret.Id, "deploy secret");

        // Free text with in: (one or several, any of them; case does not matter).
        Assert.Equal(["deploy alpha", "deploy beta", "deploy gamma"], (await FindAsync(ann, ws, "deploy in:#general")).Order());
        Assert.Equal(["deploy alpha", "deploy beta", "deploy delta", "deploy gamma"], (await FindAsync(ann, ws, "in:#General deploy in:random")).Order());
        // A private channel ann is not in: naming it finds nothing and reveals nothing; its owner finds it.
        Assert.Empty(await FindAsync(ann, ws, "deploy in:#secret"));
        Assert.Empty(await FindAsync(ann, ws, "in:#secret"));
        Assert.Empty(await FindAsync(ann, ws, "in:#no-such-channel"));
        Assert.Equal(["deploy secret"], await FindAsync(room.Owner, ws, "in:#secret"));

        // Filters only: newest first.
        Assert.Equal(["deploy gamma", "deploy beta", "deploy alpha"], await FindAsync(ann, ws, "in:#general"));
        Assert.Equal(["deploy gamma", "deploy beta"], await FindAsync(ann, ws, $"from:@{bob.User!.Id}"));
        Assert.Equal(["deploy gamma", "deploy beta", "deploy alpha"], await FindAsync(ann, ws, $"from:{bob.User!.Id} from:@{ann.User!.Id}"));
        Assert.Equal(["deploy gamma"], await FindAsync(ann, ws, $"from:@{bob.User!.Id} is:thread"));
        Assert.Equal(["deploy beta"], await FindAsync(ann, ws, $"from:@{bob.User!.Id} is:root"));
        Assert.Equal(["deploy beta", "deploy alpha"], await FindAsync(ann, ws, "-is:thread in:#general"));
        Assert.Empty(await FindAsync(ann, ws, $"from:@{Ulid.NewUlid()}"));

        // Dates are UTC days, both bounds exclusive.
        Assert.Equal(4, (await FindAsync(ann, ws, $"deploy after:{Date(today.AddDays(-1))} before:{Date(today.AddDays(2))}")).Count);
        Assert.Empty(await FindAsync(ann, ws, $"deploy before:{Date(today)}"));
        Assert.Empty(await FindAsync(ann, ws, $"after:{Date(today.AddDays(1))}"));
        Assert.Empty(await FindAsync(ann, ws, "after:9999-12-31"));

        // Deleted messages never match.
        await ann.DeleteMessageAsync(ws, general, alpha.Id);
        Assert.Equal(["deploy gamma", "deploy beta"], await FindAsync(ann, ws, "in:#general"));

        // Malformed filters are 400 problems.
        foreach (var q in new[] { "before:2026-13-01", "after:yesterday", "before:", "from:@ann", "from:", "in:#", "is:banana", "is:thread is:root" })
        {
            Assert.Equal((400, ErrorCodes.InvalidRequest), await RefusalAsync(() => ann.SearchAsync(ws, q)));
        }
    }

    [Theory]
    [InlineData(TestStorage.Sqlite)]
    [InlineData(TestStorage.Postgres)]
    public async Task Mentioning_everyone_needs_mention_everyone_in_the_channel(TestStorage storage)
    {
        await using var server = await TestServer.StartAsync(storage);
        var room = await ChatRoom.CreateAsync(server, members: 1);
        var (ws, ch) = (room.Workspace.Id, room.Channel.Id);
        var member = room.Members[0];
        var guest = await server.NewUserAsync("Guest");
        await room.Owner.AddWorkspaceMemberByIdAsync(ws, guest.User!.Id, "guest");
        await room.Owner.AddChannelMemberAsync(ws, ch, guest.User!.Id);

        // Members may by default; guests may not, for a post or an edit that adds it.
        var shout = await member.PostMessageAsync(ws, ch, $"{Mentions.Channel} lunch!");
        Assert.Equal((403, ErrorCodes.MentionEveryoneForbidden), await RefusalAsync(() => guest.PostMessageAsync(ws, ch, $"hi {Mentions.Here}")));
        var quiet = await guest.PostMessageAsync(ws, ch, $"hi <@{member.User!.Id}>");
        Assert.Equal((403, ErrorCodes.MentionEveryoneForbidden), await RefusalAsync(() => guest.EditMessageAsync(ws, ch, quiet.Id, $"hi {Mentions.Channel}")));

        // An override that denies it to members refuses them too; the owner (administrator) is never refused.
        await room.Owner.SetChannelOverrideAsync(ws, ch, "member", [], ["mention_everyone"]);
        Assert.Equal((403, ErrorCodes.MentionEveryoneForbidden), await RefusalAsync(() => member.PostMessageAsync(ws, ch, $"{Mentions.Here} again")));
        Assert.Equal((403, ErrorCodes.MentionEveryoneForbidden), await RefusalAsync(() => member.EditMessageAsync(ws, ch, shout.Id, $"{Mentions.Channel} lunch at one")));
        Assert.Equal("lunch at one", (await member.EditMessageAsync(ws, ch, shout.Id, "lunch at one")).Content);
        await room.Owner.PostMessageAsync(ws, ch, $"{Mentions.Channel} all hands");
        // Allowed to guests by an override, they may.
        await room.Owner.SetChannelOverrideAsync(ws, ch, "guest", ["mention_everyone"], []);
        await guest.PostMessageAsync(ws, ch, $"{Mentions.Here} thanks");
    }

    private static readonly string[] Words = ["deploy", "release", "in", "from", "is", "#x", "@y", "a:b", "\"quoted", "-word", "é", "日本", "in:", ":in", "IS:root", "before:2026-01-01"];

    private static Gen<string> Tokens() =>
        Gen.OneOf(
            Gen.Elements(Words),
            Gen.Elements("in:#", "in:", "from:@", "from:", "before:", "after:", "is:", "-is:").SelectMany(key =>
                Gen.OneOf(Gen.Elements("general", "thread", "root", "2026-11-22", "0000-00-00", "9999-12-31", Ulid.NewUlid().ToString(), "01ARZ3NDEKTSV4RRFFQ69G5FAV", "", "#", "@", "ZZZZZZZZZZZZZZZZZZZZZZZZZZ"))
                    .Select(value => key + value)),
            ArbMap.Default.GeneratorFor<string>().Select(s => s ?? ""));

    private static Gen<string> Queries() => Tokens().ListOf().SelectMany(tokens => Gen.Elements(" ", "  ", "\t", "\n").Select(sep => string.Join(sep, tokens)));

    [Property(MaxTest = 500)]
    public Property The_parser_never_throws_and_its_canonical_form_parses_back_to_the_same_query() =>
        Prop.ForAll(Queries().ToArbitrary(), q =>
        {
            var (parsed, error) = SearchQueryParser.Parse(q);
            Assert.True((parsed is null) != (error is null));
            if (parsed is not null)
            {
                var again = SearchQueryParser.Parse(parsed.ToString());
                Assert.Null(again.Error);
                Assert.True(parsed.SameAs(again.Query!), $"'{q}' → '{parsed}' → '{again.Query}'");
            }
        });

    private static Gen<ParsedSearch> StructuredQueries() =>
        from channels in Gen.Elements("general", "Random", "release-2", "#hash").ListOf()
        from authors in Gen.Choose(0, 5)
        from day in Gen.Choose(-1, 40_000)
        from thread in Gen.Elements(SearchThreadFilter.Any, SearchThreadFilter.RepliesOnly, SearchThreadFilter.TopLevelOnly)
        from text in Gen.Elements("", "deploy", "release train", "foo:bar \"exact phrase\" -not")
        let date = day < 0 ? (DateOnly?)null : DateOnly.FromDayNumber(day * 18)
        select new ParsedSearch(text, [.. channels.Distinct()], [.. Enumerable.Range(0, authors).Select(_ => Ulid.NewUlid())], date, date?.AddDays(-3), thread);

    [Property(MaxTest = 300)]
    public Property Any_structured_query_round_trips_through_its_tokens() =>
        Prop.ForAll(StructuredQueries().ToArbitrary(), query =>
        {
            var (parsed, error) = SearchQueryParser.Parse(query.ToString());
            Assert.Null(error);
            Assert.True(query.SameAs(parsed!), $"'{query}' → '{parsed}'");
        });

    [Theory]
    [InlineData("deploy in:#general", "deploy", "general", SearchThreadFilter.Any)]
    [InlineData("-is:thread  in:ops  hello world", "hello world", "ops", SearchThreadFilter.TopLevelOnly)]
    [InlineData("IN:#Ops is:THREAD https://example.test", "https://example.test", "Ops", SearchThreadFilter.RepliesOnly)]
    [InlineData("in:##odd is:root", "", "#odd", SearchThreadFilter.TopLevelOnly)]
    public void Tokens_parse_as_documented(string q, string text, string channel, SearchThreadFilter thread)
    {
        var (parsed, error) = SearchQueryParser.Parse(q);
        Assert.Null(error);
        Assert.Equal((text, channel, thread), (parsed!.Text, Assert.Single(parsed.Channels), parsed.Thread));
    }

    [Fact]
    public void Dates_keep_the_narrowest_range_and_users_are_ids()
    {
        var id = Ulid.NewUlid();
        var (parsed, _) = SearchQueryParser.Parse($"before:2026-11-22 after:2026-01-01 before:2026-11-20 after:2026-02-01 from:@{id} from:{id}");
        Assert.Equal((new DateOnly(2026, 11, 20), new DateOnly(2026, 2, 1)), (parsed!.Before!.Value, parsed.After!.Value));
        Assert.Equal([id], parsed.Authors);
        Assert.False(SearchQueryParser.Parse("plain words").Query!.HasFilters);
    }
}
