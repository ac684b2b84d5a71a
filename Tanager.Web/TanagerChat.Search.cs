using System.Globalization;
using System.Text;
using Tanager.Client;
using Tanager.Protocol;

namespace Tanager.Web;

/// <summary>
/// Search: the header's box and a side panel with the API's filters as controls (channel, person, dates, replies or
/// top-level), written into the query as the server reads it (<c>in:#name from:@id after:YYYY-MM-DD is:thread</c>).
/// </summary>
public sealed partial class TanagerChat
{
    /// <summary>Results per search: the API's page (it has no paging for search).</summary>
    private const int SearchLimit = 50;

    private bool _searchOpen;
    private string _searchText = "";
    private string _searchChannel = "";
    private string _searchAuthor = "";
    private DateOnly? _searchAfter;
    private DateOnly? _searchBefore;
    private string _searchKind = "";
    private IReadOnlyList<MessageDto>? _searchResults;
    private bool _searching;

    /// <summary>The query the server reads: the free text, then each filter set.</summary>
    private string SearchQuery
    {
        get
        {
            var query = new StringBuilder(_searchText.Trim());
            void Add(string filter)
            {
                if (query.Length > 0)
                {
                    query.Append(' ');
                }
                query.Append(filter);
            }
            if (_searchChannel.Length > 0 && FindChannel(_workspaceId ?? "", _searchChannel) is { } channel)
            {
                Add("in:#" + channel.Name);
            }
            if (_searchAuthor.Length > 0)
            {
                Add("from:@" + _searchAuthor);
            }
            if (_searchAfter is { } after)
            {
                Add("after:" + after.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            }
            if (_searchBefore is { } before)
            {
                Add("before:" + before.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            }
            if (_searchKind is "thread" or "root")
            {
                Add("is:" + _searchKind);
            }
            return query.ToString();
        }
    }

    private async Task SearchAsync()
    {
        var query = SearchQuery;
        if (_client is null || _workspaceId is not { } workspaceId)
        {
            return;
        }
        CloseThread();
        _settingsOpen = false;
        _searchOpen = true;
        if (query.Length == 0)
        {
            _searchResults = null;
            return;
        }
        _searching = true;
        try
        {
            var results = await _client.SearchAsync(workspaceId, query, SearchLimit, _disposing.Token);
            // Only the newest answer counts: filters changed meanwhile ask again.
            if (query == SearchQuery)
            {
                _searchResults = results.Messages;
            }
        }
        catch (TanagerApiException exception)
        {
            _searchResults = null;
            _error = $"Search failed: {exception.Message}";
        }
        catch (HttpRequestException)
        {
            _error = "Search failed: the server could not be reached.";
        }
        finally
        {
            _searching = false;
        }
    }

    private void CloseSearch()
    {
        _searchOpen = false;
        _searchResults = null;
    }

    /// <summary>Opens a result where it is: its channel, and for a reply its thread.</summary>
    private async Task OpenResultAsync(MessageDto message)
    {
        if (_client is null)
        {
            return;
        }
        CloseSearch();
        await SelectChannelAsync(message.ChannelId);
        if (message.ThreadId is { } threadId)
        {
            await RunAsync(async () => await OpenThreadAsync(await _client.GetMessageAsync(message.WorkspaceId, message.ChannelId, threadId, _disposing.Token)));
        }
    }
}
