using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tanager.AspNetCore.Internal.OpenApi;
using Tanager.Protocol;

namespace Tanager.AspNetCore.Internal;

internal static class BotEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/workspaces/{workspaceId}/bots", async (string workspaceId, HttpContext context, BotService bots) =>
        {
            var body = await context.Request.ReadJsonAsync(TanagerJsonContext.Default.CreateBotRequest);
            var (bot, credential, token) = await bots.CreateAsync(context.Caller(), Ids.Parse(workspaceId, "Workspace"), body.Name, body.Scopes, context.RequestAborted);
            return TypedResults.Json(new BotDto { User = bot.ToDto(), Token = credential.ToDto(token) }, TanagerJsonContext.Default.BotDto, statusCode: StatusCodes.Status201Created);
        })
            .Describe("createBot", "Create a bot", "A bot user in the workspace with its first token (shown only here). Not with a bot token.").Body<CreateBotRequest>().Produces<BotDto>(StatusCodes.Status201Created);

        api.MapGet("/workspaces/{workspaceId}/bots", async (string workspaceId, HttpContext context, BotService bots) =>
        {
            var list = await bots.ListAsync(context.Caller(), Ids.Parse(workspaceId, "Workspace"), context.RequestAborted);
            return TypedResults.Json([.. list.Select(b => new BotDto { User = b.ToDto() })], TanagerJsonContext.Default.IReadOnlyListBotDto);
        })
            .Describe("listBots", "List bots").Produces<IReadOnlyList<BotDto>>();

        api.MapDelete("/bots/{botId}", async (string botId, HttpContext context, BotService bots) =>
        {
            await bots.DeactivateAsync(context.Caller(), botId, context.RequestAborted);
            return TypedResults.NoContent();
        })
            .Describe("deactivateBot", "Delete a bot", "Deactivates a bot the caller owns: every token dies at once; its messages and memberships stay.").Empty();

        api.MapPost("/bots/{botId}/tokens", async (string botId, HttpContext context, BotService bots) =>
        {
            var body = await context.Request.ReadJsonAsync(TanagerJsonContext.Default.CreateTokenRequest);
            var (credential, token) = await bots.CreateTokenAsync(context.Caller(), botId, body.Name, body.Scopes, context.RequestAborted);
            return TypedResults.Json(credential.ToDto(token), TanagerJsonContext.Default.TokenDto, statusCode: StatusCodes.Status201Created);
        })
            .Describe("createBotToken", "Create a bot token", "With its scopes; the token is shown only here.").Body<CreateTokenRequest>().Produces<TokenDto>(StatusCodes.Status201Created);

        api.MapGet("/bots/{botId}/tokens", async (string botId, HttpContext context, BotService bots) =>
        {
            var tokens = await bots.ListTokensAsync(context.Caller(), botId, context.RequestAborted);
            return TypedResults.Json([.. tokens.Select(t => t.ToDto())], TanagerJsonContext.Default.IReadOnlyListTokenDto);
        })
            .Describe("listBotTokens", "List bot tokens").Produces<IReadOnlyList<TokenDto>>();

        api.MapDelete("/bots/{botId}/tokens/{tokenId}", async (string botId, string tokenId, HttpContext context, BotService bots) =>
        {
            await bots.RevokeTokenAsync(context.Caller(), botId, tokenId, context.RequestAborted);
            return TypedResults.NoContent();
        })
            .Describe("revokeBotToken", "Revoke a bot token").Empty();
    }
}
