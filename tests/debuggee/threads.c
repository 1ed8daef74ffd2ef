/* A debuggee with three threads that all run work(): a breakpoint there is
 * hit in each of them. */
#include <pthread.h>
#include <stdio.h>

static int results[3];

static int work(int id)
{
	int v = id * 10;

	results[id] = v + 1;
	return v;
}

static void *thread_main(void *arg)
{
	int id = (int)(long)arg;

	work(id);
	return NULL;
}

int main(void)
{
	pthread_t t[3];

	for (long i = 0; i < 3; i++)
		pthread_create(&t[i], NULL, thread_main, (void *)i);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	printf("results %d %d %d\n", results[0], results[1], results[2]);
	return 0;
}
