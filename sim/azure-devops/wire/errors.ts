/**
 * Errors in the shape Azure DevOps returns them (azure-devops-api.md §1.4 item 2, §5.2):
 * `{"$id":"1","innerException":null,"message":"VS…","typeName":"…","typeKey":"…","errorCode":0,"eventId":3000}`.
 */
import type { JsonObject } from './json';

export class AdoError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly typeKey: string,
    readonly typeName: string = `Microsoft.VisualStudio.Services.WebApi.${typeKey}, Microsoft.VisualStudio.Services.WebApi`,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): JsonObject {
    return { $id: '1', innerException: null, message: this.message, typeName: this.typeName, typeKey: this.typeKey, errorCode: 0, eventId: 3000 };
  }
}

const core = (name: string) => `Microsoft.TeamFoundation.Core.WebApi.${name}, Microsoft.TeamFoundation.Core.WebApi`;
const git = (name: string) => `Microsoft.TeamFoundation.Git.Server.${name}, Microsoft.TeamFoundation.Git.Server`;
const wit = (name: string) => `Microsoft.TeamFoundation.WorkItemTracking.Server.${name}, Microsoft.TeamFoundation.WorkItemTracking.Server`;
const framework = (name: string) => `Microsoft.TeamFoundation.Framework.Server.${name}, Microsoft.TeamFoundation.Framework.Server`;

export const errors = {
  notFound: (path: string) => new AdoError(404, `The controller for path '${path}' was not found or does not implement IController.`, 'HttpException', 'System.Web.HttpException, System.Web'),
  projectNotFound: (idOrName: string) =>
    /^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/i.test(idOrName)
      ? new AdoError(404, `VS800075: The project with id 'vstfs:///Classification/TeamProject/${idOrName}' does not exist, or you do not have permission to access it.`, 'ProjectDoesNotExistException', core('ProjectDoesNotExistException'))
      : new AdoError(404, `TF200016: The following project does not exist: ${idOrName}. Verify that the name of the project is correct and that the project exists on the specified Azure DevOps Server.`, 'ProjectDoesNotExistWithNameException', core('ProjectDoesNotExistWithNameException')),
  teamNotFound: (idOrName: string) => new AdoError(404, `The team with id '${idOrName}' does not exist.`, 'TeamNotFoundException', core('TeamNotFoundException')),
  repositoryNotFound: (idOrName: string) =>
    new AdoError(404, `TF401019: The Git repository with name or identifier ${idOrName} does not exist or you do not have permissions for the operation you are attempting.`, 'GitRepositoryNotFoundException', git('GitRepositoryNotFoundException')),
  repositoryDisabled: (name: string) => new AdoError(404, `TF401019: The Git repository with name or identifier ${name} does not exist or you do not have permissions for the operation you are attempting.`, 'GitRepositoryNotFoundException', git('GitRepositoryNotFoundException')),
  pullRequestNotFound: () => new AdoError(404, 'TF401180: The requested pull request was not found.', 'GitPullRequestNotFoundException', git('GitPullRequestNotFoundException')),
  itemNotFound: (path: string, repo: string) => new AdoError(404, `TF401174: The item '${path}' could not be found in the repository '${repo}' at the version specified by '<Default branch>' (resolved to commit '').`, 'GitItemNotFoundException', git('GitItemNotFoundException')),
  branchNotFound: (branch: string) => new AdoError(404, `TF401175:The version descriptor <Branch: ${branch} > could not be resolved to a version in the repository.`, 'GitUnresolvableToCommitException', git('GitUnresolvableToCommitException')),
  commitNotFound: (id: string) => new AdoError(404, `TF401029: Commit ${id} could not be found in the repository.`, 'GitCommitDoesNotExistException', git('GitCommitDoesNotExistException')),
  buildNotFound: (id: number | string) => new AdoError(404, `The requested build ${id} could not be found.`, 'BuildNotFoundException', 'Microsoft.TeamFoundation.Build.WebApi.BuildNotFoundException, Microsoft.TeamFoundation.Build2.WebApi'),
  definitionNotFound: (id: number | string) => new AdoError(404, `The pipeline ${id} could not be found.`, 'DefinitionNotFoundException', 'Microsoft.TeamFoundation.Build.WebApi.DefinitionNotFoundException, Microsoft.TeamFoundation.Build2.WebApi'),
  workItemNotFound: (id: number | string) => new AdoError(404, `TF401232: Work item ${id} does not exist, or you do not have permissions to read it.`, 'WorkItemUnauthorizedAccessException', wit('WorkItemUnauthorizedAccessException')),
  releaseNotFound: (id: number | string) => new AdoError(404, `VS402853: Release with id ${id} does not exist.`, 'ReleaseNotFoundException', 'Microsoft.VisualStudio.Services.ReleaseManagement.Data.Exceptions.ReleaseNotFoundException, Microsoft.VisualStudio.Services.ReleaseManagement2.Data'),
  environmentNotFound: (id: number | string) => new AdoError(404, `Environment ${id} not found.`, 'EnvironmentNotFoundException', 'Microsoft.TeamFoundation.DistributedTask.WebApi.EnvironmentNotFoundException, Microsoft.TeamFoundation.DistributedTask.WebApi'),
  notFoundGeneric: (what: string) => new AdoError(404, what, 'NotFoundException'),
  wiqlTooLarge: () => new AdoError(400, 'VS402337: The number of work items returned exceeds the size limit of 20000. Change the query to return fewer items.', 'WorkItemTrackingQueryResultSizeLimitExceededException', wit('WorkItemTrackingQueryResultSizeLimitExceededException')),
  wiqlSyntax: (detail: string) => new AdoError(400, `TF51006: The query statement is missing a FROM clause. ${detail}`, 'WorkItemTrackingQueryInvalidSyntaxException', wit('WorkItemTrackingQueryInvalidSyntaxException')),
  batchTooLarge: (requested: number) => new AdoError(400, `VS403474: You requested ${requested} work items which exceeds the limit of 200`, 'VssPropertyValidationException', 'Microsoft.VisualStudio.Services.Common.VssPropertyValidationException, Microsoft.VisualStudio.Services.Common'),
  badRequest: (message: string, typeKey = 'ArgumentException') => new AdoError(400, message, typeKey, `System.${typeKey}, mscorlib`),
  unauthorized: () => new AdoError(401, "TF400813: The user '' is not authorized to access this resource.", 'UnauthorizedRequestException', framework('UnauthorizedRequestException')),
  forbidden: (message: string) => new AdoError(403, message, 'UnauthorizedAccessException', 'System.UnauthorizedAccessException, mscorlib'),
  throttled: (resource: string) =>
    new AdoError(429, `TF400733: The request has been canceled: Request was blocked due to exceeding usage of resource '${resource}' in namespace 'User.'`, 'RequestBlockedException', framework('RequestBlockedException')),
  serverError: (status: number) => new AdoError(status, status === 503 ? 'TF400898: An Internal Error Occurred. The service is temporarily unavailable.' : 'TF400898: An Internal Error Occurred.', 'VssServiceException'),
};
