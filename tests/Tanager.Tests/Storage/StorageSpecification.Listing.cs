using NUlid;

namespace Tanager.Tests.Storage;

/// <summary>The administrator's lists: every account and every workspace, a page at a time in id order.</summary>
public abstract partial class StorageSpecification
{
    [Fact]
    public async Task Every_account_and_every_workspace_is_listed_once_in_id_order_a_page_at_a_time()
    {
        var users = new List<User>();
        var workspaces = new List<Workspace>();
        for (var i = 0; i < 3; i++)
        {
            var (workspace, owner) = await NewWorkspaceAsync();
            (users, workspaces) = ([.. users, owner], [.. workspaces, workspace]);
        }
        var bot = new User(Ulid.NewUlid(), $"{Guid.NewGuid():N}@bots.example.test", "Bot", "", At(0), At(0)) { Kind = UserKind.Bot, OwnerId = users[0].Id };
        Assert.True(await _store.Users.TryCreateAsync(bot));
        users.Add(bot);

        var allUsers = await PagesAsync((after, limit) => _store.Users.ListAsync(after, limit), u => u.Id);
        var allWorkspaces = await PagesAsync((after, limit) => _store.Workspaces.ListAsync(after, limit), w => w.Id);

        // Other tests may share the store: what this one made is there, whole, and nothing comes twice or out of order.
        Assert.Equal(users.OrderBy(u => u.Id), allUsers.Where(u => users.Any(m => m.Id == u.Id)));
        Assert.Equal(workspaces.OrderBy(w => w.Id), allWorkspaces.Where(w => workspaces.Any(m => m.Id == w.Id)));
        Assert.Equal(await _store.Users.CountAsync(), allUsers.Count);
        Assert.Empty(await _store.Users.ListAsync(allUsers[^1].Id, 10));
        Assert.Equal(allUsers.Take(1), await _store.Users.ListAsync(null, 1));
    }

    /// <summary>Reads every page of two items and checks each page starts after the last one's end.</summary>
    private static async Task<List<T>> PagesAsync<T>(Func<Ulid?, int, ValueTask<IReadOnlyList<T>>> page, Func<T, Ulid> id)
    {
        var all = new List<T>();
        Ulid? after = null;
        while (true)
        {
            var next = await page(after, 2);
            Assert.InRange(next.Count, 0, 2);
            Assert.All(next, item => Assert.True(after is not { } a || id(item).CompareTo(a) > 0));
            all.AddRange(next);
            if (next.Count < 2)
            {
                break;
            }
            after = id(next[^1]);
        }
        Assert.Equal(all.Select(id).Order(), all.Select(id));
        Assert.Equal(all.Count, all.Select(id).Distinct().Count());
        return all;
    }
}
