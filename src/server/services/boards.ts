/** The challenge's boards as the services look them up: a board by id, or a 404 naming the boards there are. */
import { type Board, findBoard } from '../challenge/load.js'
import type { ServerContext } from './context.js'
import { notFound } from './errors.js'

export function requireBoard(ctx: ServerContext, id: string): Board {
  const board = findBoard(ctx.challenge, id)
  if (!board) throw notFound(`board ${id} (boards: ${ctx.challenge.boards.map((b) => b.id).join(', ')})`)
  return board
}
