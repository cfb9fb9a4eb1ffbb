import { z } from 'zod';
import { paging } from '../azure-devops/paging';
import { defineKind, listUnder } from './kind';

export default defineKind({
  kind: 'pipeline-deployment',
  description: 'Deployment records of every pipeline environment (each job of a YAML pipeline run that targeted the environment), newest first.',
  selector: z.object({}),
  endpoints: [
    'GET {org}/{project}/_apis/distributedtask/environments (7.1; shared with the environment kind)',
    'GET {org}/{project}/_apis/distributedtask/environments/{id}/environmentdeploymentrecords (7.1, x-ms-continuationtoken, `top` 100; the service default is 25)',
  ],
  enrichment: { __project: 'the project', __environment: 'the environment' },
  availability: 'cloud-and-server',
  permission: 'Environment (Read)',
  list: listUnder({
    parents: (ctx) => ctx.parents.environments(),
    concurrency: 'enrichment',
    scope: (environment) => `deployments of environment ${environment.name} (project ${environment.__project.name})`,
    request: (environment) => ({ path: `${environment.__project.id}/_apis/distributedtask/environments/${environment.id}/environmentdeploymentrecords`, apiVersion: '7.1' }),
    // This endpoint names its page size `top`, without the dollar sign (environments 7.1 spec).
    paging: paging.continuationHeader(100, 'top'),
    enrich: (record, environment) => {
      const { __project, ...rest } = environment;
      return { ...record, __project, __environment: rest };
    },
  }),
  defaults: {
    blueprints: [
      {
        identifier: 'azureDevopsPipelineDeployment',
        title: 'Pipeline deployment',
        icon: 'Deployment',
        schema: {
          properties: {
            result: { title: 'Result', type: 'string' },
            pipeline: { title: 'Pipeline', type: 'string' },
            run: { title: 'Run', type: 'string' },
            stageName: { title: 'Stage', type: 'string' },
            jobName: { title: 'Job', type: 'string' },
            attempt: { title: 'Stage attempt', type: 'number' },
            queueTime: { title: 'Queued', type: 'string', format: 'date-time' },
            startTime: { title: 'Started', type: 'string', format: 'date-time' },
            finishTime: { title: 'Finished', type: 'string', format: 'date-time' },
            link: { title: 'Link', type: 'string', format: 'url' },
          },
          required: [],
        },
        relations: {
          environment: { title: 'Environment', target: 'azureDevopsEnvironment', required: false, many: false },
          build: { title: 'Run', target: 'azureDevopsBuild', required: false, many: false },
        },
      },
    ],
    resources: [
      {
        kind: 'pipeline-deployment',
        selector: { query: 'true' },
        port: {
          entity: {
            mappings: {
              identifier: '.__project.id + "/" + (.__environment.id | tostring) + "/" + (.id | tostring)',
              title: '.definition.name + " " + .owner.name + " → " + .__environment.name',
              blueprint: '"azureDevopsPipelineDeployment"',
              properties: {
                result: '.result',
                pipeline: '.definition.name',
                run: '.owner.name',
                stageName: '.stageName',
                jobName: '.jobName',
                attempt: '.stageAttempt',
                queueTime: '.queueTime',
                startTime: '.startTime',
                finishTime: '.finishTime',
                link: '.owner._links.web.href',
              },
              relations: {
                environment: '.__project.id + "/" + (.__environment.id | tostring)',
                // The owner of a YAML deployment record is the pipeline run, i.e. the build.
                build: 'if .owner.id == null then null else .__project.id + "/" + (.owner.id | tostring) end',
              },
            },
          },
        },
      },
    ],
  },
});
