import { describeError } from '../../src/aws/describe-error';

const named = (name: string, message: string): Error => Object.assign(new Error(message), { name });

describe('describeError', () => {
  it.each([
    [
      named('CredentialsProviderError', 'Could not load credentials from any providers'),
      /^No AWS credentials: .*Set AWS_PROFILE/,
    ],
    [new Error('Region is missing'), /^No AWS region: set AWS_REGION/],
    [
      named('ValidationError', 'Stack with id RollbackRehearsalService does not exist'),
      /does not exist\. Deploy the stacks first/,
    ],
    [
      named('DeploymentDoesNotExistException', 'The deployment d-X could not be found'),
      /^DeploymentDoesNotExist: The deployment d-X/,
    ],
    [
      named('ExpiredTokenException', 'The security token included in the request is expired'),
      /^AWS credentials expired/,
    ],
    [new Error('socket hang up'), /^socket hang up$/],
  ])('explains %s', (error, expected) => {
    expect(describeError(error)).toMatch(expected);
  });
});
