using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tanager.Protocol;

namespace Tanager.AspNetCore.Internal;

internal static class WorkspaceEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/workspaces", async (HttpContext context, WorkspaceService workspaces) =>
        {
            var body = await context.Request.ReadJsonAsync(TanagerJsonContext.Default.CreateWorkspaceRequest);
            var (workspace, member) = await workspaces.CreateAsync(context.Caller().UserId, body.Name, context.RequestAborted);
            return TypedResults.Json(workspace.ToDto(member), TanagerJsonContext.Default.WorkspaceDto, statusCode: StatusCodes.Status201Created);
        });

        api.MapGet("/workspaces", async (HttpContext context, WorkspaceService workspaces) =>
        {
            var list = await workspaces.ListAsync(context.Caller().UserId, context.RequestAborted);
            IReadOnlyList<WorkspaceDto> dtos = [.. list.Select(p => p.Workspace.ToDto(p.Member))];
            return TypedResults.Json(dtos, TanagerJsonContext.Default.IReadOnlyListWorkspaceDto);
        });

        api.MapGet("/workspaces/{workspaceId}", async (string workspaceId, HttpContext context, WorkspaceService workspaces) =>
        {
            var (workspace, member) = await workspaces.GetAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), context.RequestAborted);
            return TypedResults.Json(workspace.ToDto(member), TanagerJsonContext.Default.WorkspaceDto);
        });

        api.MapPost("/workspaces/{workspaceId}/members", async (string workspaceId, HttpContext context, WorkspaceService workspaces) =>
        {
            var body = await context.Request.ReadJsonAsync(TanagerJsonContext.Default.AddWorkspaceMemberRequest);
            var (member, user) = await workspaces.AddMemberAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), body.UserId, body.Email, body.Role, context.RequestAborted);
            return TypedResults.Json(member.ToDto(user), TanagerJsonContext.Default.WorkspaceMemberDto, statusCode: StatusCodes.Status201Created);
        });

        api.MapGet("/workspaces/{workspaceId}/members", async (string workspaceId, HttpContext context, WorkspaceService workspaces) =>
        {
            var members = await workspaces.ListMembersAsync(context.Caller().UserId, Ids.Parse(workspaceId, "Workspace"), context.RequestAborted);
            IReadOnlyList<WorkspaceMemberDto> dtos = [.. members.Select(p => p.Member.ToDto(p.User))];
            return TypedResults.Json(dtos, TanagerJsonContext.Default.IReadOnlyListWorkspaceMemberDto);
        });
    }
}
